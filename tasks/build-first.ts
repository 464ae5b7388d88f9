/**
 * Every `ocr:*` task deploys or reads the plugin's contracts, so, like `hardhat test`, it builds
 * the project first. Only stale files compile (Hardhat's build cache decides), and whatever the
 * compiler prints goes to stderr, so `--json` output on stdout stays one clean JSON document.
 */
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

export async function buildProjectFirst(hre: HardhatRuntimeEnvironment): Promise<void> {
  const log = console.log;
  const info = console.info;
  console.log = (...args: unknown[]) => console.error(...args);
  console.info = console.log;
  try {
    await hre.tasks.getTask("build").run({ quiet: true, noTests: true });
  } finally {
    console.log = log;
    console.info = info;
  }
}
