#!/usr/bin/env node
// Runs a command inside a fresh network namespace where only `lo` is up, so WebRTC in the browser tests can
// gather and use loopback candidates only. Usage: node scripts/in-loopback-netns.mjs <command> [args…]
// Under CI a namespace is required; elsewhere, if one cannot be made, the command runs as is, with a warning.
import { spawnSync } from 'node:child_process';

const command = process.argv.slice(2);
if (command.length === 0) {
  console.error('usage: in-loopback-netns.mjs <command> [args…]');
  process.exit(2);
}

const run = (argv) => spawnSync(argv[0], argv.slice(1), { stdio: 'inherit' });
const exitWith = (result) => process.exit(result.status ?? (result.signal ? 1 : 0));

if (process.env.VCW_IN_NETNS === '1') exitWith(run(command));

const inner = 'ip link set lo up && VCW_IN_NETNS=1 exec "$@"';
const attempts = [
  ['unshare', '--net', '--', 'sh', '-c', inner, 'sh', ...command],
  // Without root, an unprivileged user namespace can still own a network namespace.
  ['unshare', '--net', '--map-root-user', '--', 'sh', '-c', inner, 'sh', ...command],
];
const probe = (argv) =>
  spawnSync(argv[0], [...argv.slice(1, argv.indexOf('sh')), 'sh', '-c', 'ip link set lo up'], { stdio: 'ignore' })
    .status === 0;
const usable = attempts.find(probe);
if (usable) exitWith(run(usable));

const why = 'cannot create a network namespace (needs root or unprivileged user namespaces, and `ip` from iproute2)';
if (process.env.CI === 'true') {
  console.error(`in-loopback-netns: FAIL: ${why}; browser tests must run isolated under CI.`);
  process.exit(1);
}
console.error(`in-loopback-netns: WARNING: ${why}; running without isolation.`);
exitWith(run(command));
