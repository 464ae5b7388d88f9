import { network } from "hardhat";
import { Session } from "node:inspector/promises";
import { writeFileSync } from "node:fs";
const n = Number(process.env.N ?? 4), f = Number(process.env.F ?? 1), rounds = Number(process.env.R ?? 30);
const connection = await network.create();
const { ocr } = connection;
const counts = new Map<string, number>(); let counting = false; const stacks = new Map<string, number>();
const p = connection.provider as any; const orig = p.request.bind(p);
p.request = (args: { method: string; params?: unknown[] }) => { if (counting) { const k = args.method + (args.method === "eth_getBlockByNumber" ? (String(args.params?.[0]).startsWith("0x") ? " num" : " " + String(args.params?.[0])) : ""); counts.set(k, (counts.get(k) ?? 0) + 1); if (process.env.STACK === args.method) { const st = (new Error().stack ?? '').split('\n').slice(2, 14).filter(l => !l.includes('node_modules')).join(' | '); stacks.set(st, (stacks.get(st) ?? 0) + 1); } } return orig(args); };
const feed = await ocr.deployFeed(`prof ${n}/${f}`, { oracles: n, faultTolerance: f, seed: `bench-run-round-${n}-${f}` });
for (let i = 0; i < 3; i++) await feed.runRound();
counting = true; const traceBefore = feed.trace().length; const session = new Session(); session.connect(); await session.post('Profiler.enable'); await session.post('Profiler.setSamplingInterval', { interval: 200 }); await session.post('Profiler.start');
const times: number[] = [];
for (let i = 0; i < rounds; i++) { const t = performance.now(); await feed.runRound(); times.push(performance.now() - t); }
{ const { profile } = await session.post('Profiler.stop'); writeFileSync('/tmp/prof/rr.cpuprofile', JSON.stringify(profile)); }
{ const tr = feed.trace().slice(traceBefore); const by = new Map<string, number>(); for (const e of tr) by.set(e.type, (by.get(e.type) ?? 0) + 1); console.log([...by].sort((a,b)=>b[1]-a[1]).map(([k,v])=>`${k}:${(v/rounds).toFixed(1)}`).join(' ')); }
times.sort((a, b) => a - b);
console.log(`n=${n} median runRound ${times[Math.floor(rounds / 2)].toFixed(2)} ms`);
console.log([...counts].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${(v / rounds).toFixed(2)}`).join("\n"));
feed.stop?.(); for (const [k, v] of stacks) console.log(v, k);
