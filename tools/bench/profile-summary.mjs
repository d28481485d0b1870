#!/usr/bin/env node
// `node tools/bench/profile-summary.mjs <file.cpuprofile>... [--top N]`: where a V8 CPU profile
// spent its time, as self time per package (node_modules/<pkg>, node:internal, the service bundle,
// garbage collection, idle), per function, and the socket writes by the package that made them
// (SQL statements, Kafka requests, HTTP responses). For the saga bench's profile summaries
// (docs/benchmarks.md), profiles come from the preload in tools/bench/cpu-profile.cjs.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

const args = process.argv.slice(2);
const topAt = args.indexOf('--top');
const top = topAt >= 0 ? Number(args.splice(topAt, 2)[1]) : 15;
if (args.length === 0) {
  process.stderr.write('usage: node tools/bench/profile-summary.mjs <file.cpuprofile>... [--top N]\n');
  process.exit(2);
}

/** The package a frame belongs to: what a reader can act on. */
function packageOf({ url, functionName }) {
  if (!url) {
    if (functionName === '(garbage collector)') return '(gc)';
    if (functionName === '(idle)' || functionName === '(program)') return functionName;
    return '(native)';
  }
  const inModules = url.lastIndexOf('node_modules/');
  if (inModules >= 0) {
    const [first, second] = url.slice(inModules + 'node_modules/'.length).split('/');
    return first.startsWith('@') ? `${first}/${second}` : first;
  }
  if (url.startsWith('node:')) return 'node:internal';
  return basename(url);
}

/** Native socket writes: their cost shows who makes round trips (SQL statements, Kafka requests, responses). */
const SOCKET_WRITES = new Set(['writeBuffer', 'writev']);

/** The nearest package frame above a sample: who asked for it. */
function callerPackage(byId, parentOf, id) {
  for (let at = parentOf.get(id); at !== undefined; at = parentOf.get(at)) {
    const { url } = byId.get(at).callFrame;
    const inModules = url.lastIndexOf('node_modules/');
    if (inModules >= 0) return packageOf(byId.get(at).callFrame);
  }
  return '(the service itself or node)';
}

for (const file of args) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = new Map();
  // timeDeltas[i] is the time before samples[i]; attribute it to that sample's frame.
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const parentOf = new Map();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
  const perPackage = new Map();
  const perFunction = new Map();
  const socketWrites = new Map(); // by the package that asked for the write
  let busyUs = 0;
  for (const [id, us] of selfUs) {
    const { callFrame } = byId.get(id);
    const pkg = packageOf(callFrame);
    if (pkg === '(idle)') continue;
    busyUs += us;
    perPackage.set(pkg, (perPackage.get(pkg) ?? 0) + us);
    const fn = `${callFrame.functionName || '(anonymous)'} ${pkg}:${callFrame.lineNumber + 1}`;
    perFunction.set(fn, (perFunction.get(fn) ?? 0) + us);
    if (SOCKET_WRITES.has(callFrame.functionName) && pkg === '(native)') {
      const caller = callerPackage(byId, parentOf, id);
      socketWrites.set(caller, (socketWrites.get(caller) ?? 0) + us);
    }
  }
  // At least 1 µs: a profile with no socket writes prints 0 %, not NaN.
  const writesUs = Math.max(
    1,
    [...socketWrites.values()].reduce((sum, us) => sum + us, 0),
  );
  const rows = (map) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => `  ${((100 * us) / busyUs).toFixed(1).padStart(5)} %  ${name}`)
      .join('\n');
  process.stdout.write(
    `${basename(file)}: ${(busyUs / 1e6).toFixed(1)} s on CPU (idle excluded)\n` +
      `by package:\n${rows(perPackage)}\nby function (self time):\n${rows(perFunction)}\n` +
      `socket writes (writeBuffer, writev): ${((100 * writesUs) / busyUs).toFixed(1)} %, by the package that wrote:\n` +
      [...socketWrites]
        .sort((a, b) => b[1] - a[1])
        .map(([name, us]) => `  ${((100 * us) / writesUs).toFixed(1).padStart(5)} %  ${name}`)
        .join('\n') +
      '\n\n',
  );
}
