import { network } from "hardhat";
const connection = await network.create();
const feed = await connection.ocr.deployFeed(`prof`, { oracles: 4, faultTolerance: 1, seed: `bench-run-round-4-1` });
for (let i = 0; i < 3; i++) await feed.runRound();
const before = feed.trace().length;
for (let i = 0; i < 3; i++) { await feed.runRound(); console.log("---- runRound done"); }
const keep = new Set(["round-start","epoch-start","change-leader","newepoch-sent","transmission-dropped","transmit-skipped","transmit-landed","transmission-scheduled","should-report","progress-timeout","transmit-attempted"]);
let t0 = 0;
for (const e of feed.trace().slice(before)) { if (!keep.has(e.type)) continue; if (!t0) t0 = e.atMs; const { type, atMs, ...rest } = e as any; console.log(String(atMs - t0).padStart(7), type, JSON.stringify(rest, (k, v) => typeof v === "bigint" ? v.toString() : v).slice(0, 160)); }
