// What every interop script shares: counting checks, deadlines, running
// loomctl, writing a solo orderer's config and starting/stopping Loom's
// nodes as child processes. Each script requires it once; the counts are the
// script's own.
'use strict';

const childProcess = require('child_process');
const fs = require('fs');
const path = require('path');
const readline = require('readline');

let passed = 0;
let failed = 0;

// Records one named check; prints `ok` or `FAIL` with the detail.
function check(name, ok, detail) {
  if (ok) {
    passed++;
    console.log(`ok   ${name}`);
  } else {
    failed++;
    console.log(`FAIL ${name}${detail ? ': ' + detail : ''}`);
  }
  return ok;
}

function anyFailed() {
  return failed > 0;
}

// Prints `N passed, M failed` and exits non-zero on any failure (or when no
// check ran at all).
function finish() {
  if (passed + failed === 0) check('any check ran', false);
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed > 0 ? 1 : 0);
}

// Rejects with `what` when `promise` does not settle within `ms`.
function withDeadline(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

// Runs a command to completion; throws with its output when it fails.
function run(command, args) {
  const result = childProcess.spawnSync(command, args, { encoding: 'utf8', timeout: 20000 });
  if (result.status !== 0) {
    throw new Error(`${path.basename(command)} ${args.join(' ')} failed (${result.error || 'exit ' + result.status}):\n` +
                    `${result.stdout}${result.stderr}`);
  }
}

// The scenario's crypto material and the genesis block of `channel`, made by
// loomctl under `workDir`.
function makeCryptoAndGenesis(loomctl, scenario, workDir, channel) {
  const cryptoDir = path.join(workDir, 'crypto');
  const genesisFile = path.join(workDir, `${channel}.block`);
  run(loomctl, ['crypto', 'generate', scenario, '-o', cryptoDir]);
  run(loomctl, ['channel', 'genesis', scenario, channel, '-o', genesisFile, '--crypto', cryptoDir]);
  return { cryptoDir, genesisFile };
}

// Writes the config of the scenario's solo orderer.example.com, listening on
// an ephemeral port, and returns its path.
function writeOrdererConfig(file, cryptoDir, dataDir) {
  fs.writeFileSync(file, [
    'name: orderer.example.com',
    'listen_address: 127.0.0.1:0',
    'msp:',
    `  dir: ${path.join(cryptoDir, 'example.com/orderers/orderer.example.com/msp')}`,
    '  id: OrdererMSP',
    `data_dir: ${dataDir}`,
    '',
  ].join('\n'));
  return file;
}

// Starts a Loom node with its stderr in `logFile`; `address` resolves to its
// listen address from the "listening on" line, within `startDeadlineMs`.
function startNode(binary, args, logFile, label, startDeadlineMs) {
  const log = fs.openSync(logFile, 'w');
  const child = childProcess.spawn(binary, args, { stdio: ['ignore', 'pipe', log] });
  fs.closeSync(log);
  const address = new Promise((resolve, reject) => {
    const lines = readline.createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      const match = / listening on (\S+)$/.exec(line);
      if (match) resolve(match[1]);
    });
    child.on('exit', (code, signal) => reject(new Error(`${label} exited (${signal || code}) before listening`)));
    child.on('error', reject);
  });
  return { child, address: withDeadline(address, startDeadlineMs, `${label} listening line`), logFile, label };
}

// Kills a node started by startNode unless it already ended.
function stopNode(node) {
  if (node && node.child.exitCode === null && node.child.signalCode === null) node.child.kill('SIGKILL');
}

module.exports = {
  check, anyFailed, finish, withDeadline, run, makeCryptoAndGenesis, writeOrdererConfig, startNode, stopNode,
};
