// Summarises a V8 .cpuprofile: where the server's CPU time went, by function.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const IDLE = new Set(['(idle)']);

/** The profile a process with this pid wrote into `dir` (node --cpu-prof names it CPU.<date>.<time>.<pid>.*). */
export function profileOf(dir, pid) {
  const name = readdirSync(dir).find((file) => file.includes(`.${pid}.`) && file.endsWith('.cpuprofile'));
  if (!name) throw new Error(`no CPU profile for pid ${pid} in ${dir}`);
  return join(dir, name);
}

function label({ functionName, url, lineNumber }) {
  const where = url
    .replace(/^file:\/\//, '')
    .replace(/^.*\/node_modules\//, '')
    .replace(/^.*\/packages\/server\/dist\//, 'signet:')
    .replace(/^.*\/packages\/protocol\/dist\//, 'protocol:');
  return where ? `${functionName || '(anonymous)'} ${where}:${lineNumber + 1}` : functionName || '(anonymous)';
}

/** Who a frame belongs to: a package, Signet, Node's own JavaScript, or native work with no script. */
function owner({ functionName, url }) {
  if (/\/packages\/server\/dist\//.test(url)) return 'signet (packages/server)';
  if (/\/packages\/protocol\/dist\//.test(url)) return 'signet (packages/protocol)';
  const pkg = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (pkg) return pkg[1];
  if (url.startsWith('node:')) return 'node (JavaScript)';
  if (functionName === '(garbage collector)') return 'garbage collector';
  return `native: ${functionName || '(anonymous)'}`;
}

/**
 * Self time (the frame itself) and total time (the frame anywhere on the stack, counted once
 * per sample), as shares of the busy (non-idle) time.
 */
export function summarise(file, top = 12) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const self = new Map();
  const owners = new Map();
  const total = new Map();
  let busy = 0;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    const node = byId.get(id);
    if (IDLE.has(node.callFrame.functionName)) return;
    busy += delta;
    const own = label(node.callFrame);
    self.set(own, (self.get(own) ?? 0) + delta);
    const who = owner(node.callFrame);
    owners.set(who, (owners.get(who) ?? 0) + delta);
    const seen = new Set();
    for (let at = id; at !== undefined; at = parent.get(at)) {
      const key = label(byId.get(at).callFrame);
      if (key === '(root)' || seen.has(key)) continue;
      seen.add(key);
      total.set(key, (total.get(key) ?? 0) + delta);
    }
  });
  const rank = (map, filter = () => true) =>
    [...map]
      .filter(([key]) => filter(key))
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([key, micros]) => ({ frame: key, share: micros / busy }));
  return {
    busyMs: busy / 1000,
    owners: rank(owners),
    self: rank(self),
    // Signet's own functions, inclusive: which steps of a request cost what
    signet: rank(total, (key) => key.includes(' signet:') || key.includes(' protocol:')),
  };
}
