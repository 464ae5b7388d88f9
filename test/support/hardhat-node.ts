/**
 * A `hardhat node` child process and the Hardhat CLI run in new processes, both with the
 * localhost fixture config (test/tasks/fixtures/node.config.ts), for tests that work the way a
 * user at a terminal does. Every wait is bounded.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";

import { expect } from "chai";
import { JsonRpcProvider } from "ethers";

import { freePort } from "../../testkit/free-port.js";

const PROJECT_ROOT = process.cwd();
const HARDHAT_CLI = path.join(PROJECT_ROOT, "node_modules", "hardhat", "dist", "src", "cli.js");
export const FIXTURE_CONFIG = path.join("test", "tasks", "fixtures", "node.config.ts");

export interface CommandResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Run `hardhat --config <config> <args>` in a new process (the same Node as this test); the localhost fixture config by default. */
export function runHardhat(args: string[], env: NodeJS.ProcessEnv, timeoutMs = 120_000, config = FIXTURE_CONFIG): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [HARDHAT_CLI, "--config", config, ...args], { cwd: PROJECT_ROOT, env });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`hardhat ${args.join(" ")} did not finish in ${timeoutMs} ms\nstdout:\n${stdout}\nstderr:\n${stderr}`));
    }, timeoutMs);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** A long-running `hardhat --config <fixture> <args>` process that a test watches while it runs. */
export class HardhatCommandProcess {
  stdout = "";
  stderr = "";
  /** The exit code once the process has closed. */
  readonly exit: Promise<number | null>;
  private readonly child: ChildProcess;

  constructor(args: string[], env: NodeJS.ProcessEnv) {
    const child = spawn(process.execPath, [HARDHAT_CLI, "--config", FIXTURE_CONFIG, ...args], { cwd: PROJECT_ROOT, env });
    this.child = child;
    child.stdout!.on("data", (d) => (this.stdout += d));
    child.stderr!.on("data", (d) => (this.stderr += d));
    this.exit = new Promise((resolve) => child.on("close", resolve));
  }

  /** Both streams, for assertion messages. */
  get output(): string {
    return `stdout:\n${this.stdout}\nstderr:\n${this.stderr}`;
  }

  /** Resolve once stdout matches `pattern`; reject after `timeoutMs`. */
  waitForStdout(pattern: RegExp, timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!pattern.test(this.stdout)) return;
        clearTimeout(timer);
        this.child.stdout!.off("data", check);
        resolve();
      };
      const timer = setTimeout(() => {
        this.child.stdout!.off("data", check);
        reject(new Error(`no ${pattern} within ${timeoutMs} ms:\n${this.output}`));
      }, timeoutMs);
      this.child.stdout!.on("data", check);
      check();
    });
  }

  /** Send `signal` to the process. */
  kill(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  /** The exit code, killing the process if it has not exited within `timeoutMs`. */
  async exitWithin(timeoutMs: number): Promise<number | null> {
    const killTimer = setTimeout(() => this.child.kill("SIGKILL"), timeoutMs);
    try {
      return await this.exit;
    } finally {
      clearTimeout(killTimer);
    }
  }
}

/** A `hardhat node` on `port`, started and stopped by the test that owns it. */
export class HardhatNodeProcess {
  private child: ChildProcess | undefined;
  constructor(
    readonly port: number,
    private readonly extraArgs: string[] = [],
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const child = spawn(
      process.execPath,
      [HARDHAT_CLI, "--config", FIXTURE_CONFIG, "node", "--hostname", "127.0.0.1", "--port", String(this.port), ...this.extraArgs],
      { cwd: PROJECT_ROOT, stdio: ["ignore", "pipe", "pipe"] },
    );
    this.child = child;
    await new Promise<void>((resolve, reject) => {
      let output = "";
      const timer = setTimeout(() => reject(new Error(`hardhat node did not start:\n${output}`)), 60_000);
      const onData = (data: Buffer) => {
        output += data.toString();
        if (output.includes("Started HTTP and WebSocket JSON-RPC server")) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout!.on("data", onData);
      child.stderr!.on("data", (d: Buffer) => (output += d.toString()));
      child.once("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`hardhat node exited with ${code}:\n${output}`));
      });
    });
    // Keep draining its output so the node never blocks on a full pipe.
    child.stdout!.resume();
    child.stderr!.resume();
  }

  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (child === undefined || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    await exited;
  }
}

/** A running `hardhat node`, a fresh deployments folder, and what a CLI process needs to use both. */
export interface LocalNode {
  readonly node: HardhatNodeProcess;
  readonly deploymentsDir: string;
  /** The environment for `runHardhat`: the fixture config's ocrTestNode network and deployments folder. */
  readonly env: NodeJS.ProcessEnv;
  readonly provider: JsonRpcProvider;
}

/** Start a node (with `nodeArgs`) on a free port and make a deployments folder named `folderPrefix`…. */
export async function startLocalNode(folderPrefix: string, nodeArgs: string[] = []): Promise<LocalNode> {
  const node = new HardhatNodeProcess(await freePort(), nodeArgs);
  await node.start();
  try {
    const deploymentsDir = await mkdtemp(path.join(tmpdir(), folderPrefix));
    const env = { ...process.env, OCR_TEST_NODE_URL: node.url, OCR_TEST_DEPLOYMENTS_DIR: deploymentsDir, HARDHAT_DISABLE_TELEMETRY: "true" };
    const provider = new JsonRpcProvider(node.url, undefined, { staticNetwork: true, pollingInterval: 200 });
    return { node, deploymentsDir, env, provider };
  } catch (error) {
    await node.stop();
    throw error;
  }
}

/** Undo startLocalNode (nothing if it never finished). */
export async function stopLocalNode(local: LocalNode | undefined): Promise<void> {
  if (local === undefined) return;
  local.provider.destroy();
  await local.node.stop();
  await rm(local.deploymentsDir, { recursive: true, force: true });
}

/**
 * A local node for one describe block: started (as `startLocalNode`) before the block's tests and
 * stopped after them. The object returned reads the running node, so use it inside tests and hooks.
 */
export function localNodeForSuite(folderPrefix: string, nodeArgs: string[] = []): LocalNode {
  let local: LocalNode | undefined;
  before(async () => {
    local = await startLocalNode(folderPrefix, nodeArgs);
  });
  after(() => stopLocalNode(local));
  const running = (): LocalNode => {
    if (local === undefined) throw new Error("the suite's local node runs only while its tests run");
    return local;
  };
  return {
    get node() { return running().node; },
    get deploymentsDir() { return running().deploymentsDir; },
    get env() { return running().env; },
    get provider() { return running().provider; },
  };
}

/** The one JSON object a `--json` command printed; fails the test with its output if it did not exit 0. */
export function parseJson(result: CommandResult): Record<string, any> {
  expect(result.code, `exit code\nstdout:\n${result.stdout}\nstderr:\n${result.stderr}`).to.equal(0);
  return JSON.parse(result.stdout);
}

/** What a command that must fail printed (stderr, then stdout); fails the test unless it exited 1. */
export function failureOutput(result: CommandResult): string {
  expect(result.code, `exit code\nstdout:\n${result.stdout}\nstderr:\n${result.stderr}`).to.equal(1);
  return result.stderr + result.stdout;
}
