/**
 * Chainlink's own sequencer uptime feeds and Flags, compiled from the @chainlink/contracts 0.8.0
 * sources in node_modules (a devDependency) at test time, to run side by side with ours. Nothing
 * here is shipped; the sources are only read to build the reference.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

const require = createRequire(import.meta.url);
const SOURCES = path.join(process.cwd(), "node_modules", "@chainlink", "contracts", "src", "v0.8");

/**
 * The Optimism feed imports one interface from @eth-optimism/contracts, which is not installed;
 * the feed only calls xDomainMessageSender() on it, so the reference build gets just that.
 */
const OPTIMISM_MESSENGER_INTERFACE =
  "// SPDX-License-Identifier: MIT\npragma solidity ^0.8.0;\ninterface IL2CrossDomainMessenger { function xDomainMessageSender() external view returns (address); }\n";

export interface CompiledContract {
  readonly abi: unknown[];
  readonly bytecode: string;
}

/** Compile `file` (relative to src/v0.8) with solc 0.8.30 and return `contractName`'s ABI and bytecode. */
export function compileChainlink(file: string, contractName: string): CompiledContract {
  const solc = require("solc") as { compile(input: string, options: { import(p: string): { contents: string } | { error: string } }): string };
  const input = {
    language: "Solidity",
    sources: { [file]: { content: readFileSync(path.join(SOURCES, file), "utf8") } },
    settings: { optimizer: { enabled: true, runs: 1000 }, outputSelection: { "*": { "*": ["abi", "evm.bytecode.object"] } } },
  };
  const output = JSON.parse(
    solc.compile(JSON.stringify(input), {
      import: (importPath) => {
        if (importPath.startsWith("@eth-optimism/")) return { contents: OPTIMISM_MESSENGER_INTERFACE };
        try {
          return { contents: readFileSync(path.join(SOURCES, importPath), "utf8") };
        } catch {
          return { error: `not found: ${importPath}` };
        }
      },
    }),
  ) as { errors?: { severity: string; formattedMessage: string }[]; contracts: Record<string, Record<string, { abi: unknown[]; evm: { bytecode: { object: string } } }>> };
  const errors = (output.errors ?? []).filter((e) => e.severity === "error");
  if (errors.length > 0) throw new Error(errors.map((e) => e.formattedMessage).join("\n"));
  const contract = output.contracts[file][contractName];
  return { abi: contract.abi, bytecode: "0x" + contract.evm.bytecode.object };
}
