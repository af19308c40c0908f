// The action run end to end through the runner emulator: the binary step's
// checksum check, the input handling, and cfdeploy supervising the real
// wrangler against the fake Cloudflare API on 127.0.0.1.
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, readFileSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import YAML from 'yaml';
import { parseCommand, parseKeyValueFile, runAction } from './runner.mjs';
import {
  copyAction, copyProject, fixture, isolatedEnv, requireFile, sha256, startFakeApi, tempDir, TOKEN, WRANGLER,
} from './support.mjs';

const stepErrors = (run) => run.annotations.filter((a) => a.level === 'error' && a.source === 'step');
const describeRun = (run) => JSON.stringify({ annotations: run.annotations, outputs: run.outputs }, null, 2) + '\n' + run.log;

// `cfdeploy migrate lab-db` through the action, over real wrangler and the
// fake API answering with the scenario's rules.
async function migrate(t, scenario, inputs = {}) {
  requireFile(WRANGLER, 'run script/bootstrap (npm ci in tests/wrangler)');
  const dir = tempDir(t);
  const api = await startFakeApi(t, scenario, dir);
  const run = await runAction({
    actionDir: copyAction(dir),
    workspace: dir,
    tempDir: dir,
    env: isolatedEnv(dir, api.baseUrl),
    inputs: {
      command: 'migrate', database: 'lab-db', 'working-directory': copyProject(dir), wrangler: WRANGLER,
      'api-token': TOKEN, ...inputs,
    },
  });
  return { run, api };
}

// The action without wrangler or the API: input errors, the binary step,
// explain. `prepare(actionDir, dir)` may change the copy and return env.
async function runOffline(t, inputs, { prepare, ...options } = {}) {
  const dir = tempDir(t);
  const actionDir = copyAction(dir);
  const env = { PATH: '/usr/bin:/bin', HOME: dir, ...prepare?.(actionDir, dir) };
  return runAction({ actionDir, workspace: dir, tempDir: dir, env, inputs, ...options });
}

// Everything a hostile migration name or API message could make wrangler print
// on stdout, the stream cfdeploy's stop-commands token is on.
const HOSTILE = [
  "echo '::error::x'",
  "echo '  ::add-mask::y'",
  "echo '##[error]z'",
  "echo '::set-output name=outcome::success'",
  "echo '::set-output name=error-class::injected'",
  "echo 'ghadelimiter_123'",
  "printf 'progress\\r::warning::after a carriage return\\n'",
  "echo '::stop-commands::abc'",
  'exit 0',
];

function writeHostileWrangler(dir, lines = HOSTILE) {
  const file = path.join(dir, 'hostile-wrangler');
  writeFileSync(file, ['#!/usr/bin/env bash', ...lines, ''].join('\n'));
  chmodSync(file, 0o755);
  return file;
}

describe('the runner emulator itself', () => {
  test('parses commands after leading whitespace and the legacy syntax anywhere in a line', () => {
    assert.equal(parseCommand('  ::add-mask::y').name, 'add-mask');
    assert.equal(parseCommand('text ##[error]z').data, 'z');
    assert.equal(parseCommand('text ::error::x'), null);
    assert.equal(parseCommand('::bogus::x'), null);
    assert.equal(parseCommand('::bogus::x ##[warning]w').name, 'warning');
  });

  test('unescapes data and properties with %25 decoded last', () => {
    const found = parseCommand('::error title=a%3Ab%2Cc%250A,line=3::50%25 done%0Anext%250D');
    assert.deepEqual(found.properties, { title: 'a:b,c%0A', line: '3' });
    assert.equal(found.data, '50% done\nnext%0D');
  });

  test('reads output files like the runner and rejects a missing delimiter or final newline', () => {
    assert.deepEqual(parseKeyValueFile('a=1\nb<<EOF\nx\ny\nEOF\n\nc=\n'), [['a', '1'], ['b', 'x\ny'], ['c', '']]);
    assert.throws(() => parseKeyValueFile('b<<EOF\nx\n'), /Matching delimiter not found 'EOF'/);
    assert.throws(() => parseKeyValueFile('b<<EOF\nx'), /EOF marker missing new line/);
  });

  // The control for the injection test below: the same lines, unwrapped.
  test('turns the hostile lines into commands when nothing stops them', async (t) => {
    const dir = tempDir(t);
    const actionDir = path.join(dir, 'plain');
    mkdirSync(actionDir);
    writeFileSync(path.join(actionDir, 'action.yml'), YAML.stringify({
      name: 'plain', description: 'runs the script', runs: { using: 'composite', steps: [{ id: 'plain', shell: 'bash', run: writeHostileWrangler(dir) }] },
    }));
    const run = await runAction({ actionDir, workspace: dir, tempDir: dir });
    const messages = run.annotations.filter((a) => a.source === 'step').map((a) => a.message);
    for (const message of ['x', 'z', 'after a carriage return']) assert.ok(messages.includes(message), `no '${message}' in ${messages}`);
    assert.ok(run.masks.includes('y'));
    assert.deepEqual(run.steps[0].outputs, { outcome: 'success', 'error-class': 'injected' });
  });
});

describe('migrations over real wrangler', () => {
  test('a token without D1 permission fails with one annotation, outputs, a checklist and no leak', async (t) => {
    // preflight: false, so wrangler itself meets the 7403 (auto would stop it before).
    const { run, api } = await migrate(t, 'd1-apply-7403', { preflight: 'false' });
    assert.equal(run.steps[1].outcome, 'failure', describeRun(run));
    assert.equal(run.failed, true);
    const errors = stepErrors(run);
    assert.equal(errors.length, 1, describeRun(run));
    assert.match(errors[0].message, /Account › D1 › Edit/);
    assert.match(errors[0].properties.title, /^cfdeploy: authorization error \(code 7403\)$/);
    assert.deepEqual(
      { outcome: run.outputs.outcome, 'error-class': run.outputs['error-class'], 'error-code': run.outputs['error-code'], attempts: run.outputs.attempts },
      { outcome: 'failure', 'error-class': 'authorization', 'error-code': '7403', attempts: '1' },
    );
    assert.match(run.summary, /^- \[ \] /m, 'the summary has no checklist');
    assert.match(run.summary, /^\|\s*\**Account › D1 › Edit\**\s*\|/m, 'the summary has no Account › D1 › Edit row');

    // The job's env has no token, so the query's credentials came from the
    // api-token input (the fake logs them redacted).
    const query = api.requests().find((r) => r.path.endsWith('/query'));
    assert.ok(query && Object.keys(query.headers).some((name) => /^authorization$/i.test(name)), 'wrangler sent no token');
    // The token was masked before anything else and shows nowhere else.
    assert.ok(run.masks.includes(TOKEN));
    assert.equal(run.steps[1].stdout.split('\n')[0], `::add-mask::${TOKEN}`);
    // The action's script and cfdeploy each mask it; no other line has it.
    const withToken = run.steps[1].stdout.split('\n').filter((line) => line.includes(TOKEN));
    assert.deepEqual([...new Set(withToken)], [`::add-mask::${TOKEN}`]);
    assert.ok(!run.steps[1].stderr.includes(TOKEN));
    for (const [what, text] of Object.entries({ log: run.log, summary: run.summary, outputs: JSON.stringify(run.outputs), annotations: JSON.stringify(run.annotations) })) {
      assert.ok(!text.includes(TOKEN), `the token is in the ${what}`);
    }
  });

  test('an invalid token tells how to replace the secret', async (t) => {
    const { run } = await migrate(t, 'd1-apply-10000', { preflight: 'false' });
    const [error] = stepErrors(run);
    assert.equal(run.outputs['error-class'], 'authentication', describeRun(run));
    // The catalogue words it "…roll the old one, update the … secret".
    assert.match(error.message, /update the CLOUDFLARE_API_TOKEN secret/i);
    assert.match(run.summary, /update the CLOUDFLARE_API_TOKEN secret/i);
  });

  test('a server error is retried and the second attempt succeeds', async (t) => {
    // Without preflight, whose probe would take the scenario's one 500.
    const { run } = await migrate(t, 'd1-apply-500-then-ok', { retries: '2', preflight: 'false' });
    assert.equal(run.failed, false, describeRun(run));
    assert.equal(run.outputs.outcome, 'success');
    assert.equal(run.outputs.attempts, '2');
    assert.deepEqual(stepErrors(run), []);
  });

  test('a clean run counts the applied migrations and annotates nothing', async (t) => {
    const { run } = await migrate(t, 'd1-apply-ok');
    assert.equal(run.failed, false, describeRun(run));
    assert.equal(run.outputs.outcome, 'success');
    assert.equal(run.outputs['migrations-applied'], '2');
    assert.equal(run.outputs['error-class'], '');
    assert.deepEqual(run.annotations.filter((a) => a.level === 'error'), []);
  });

  test('by default a migration is preflighted first, and a clean one still applies', async (t) => {
    const { run, api } = await migrate(t, 'd1-apply-ok');
    assert.equal(run.failed, false, describeRun(run));
    assert.equal(run.outputs['migrations-applied'], '2');
    const seen = api.requests().map((r) => `${r.method} ${r.path}`);
    assert.ok(seen.some((r) => r.endsWith('/user/tokens/verify')), seen.join('\n'));
    // Preflight's read-only probe, then wrangler's four queries.
    const queries = api.requests().filter((r) => r.path.endsWith('/query'));
    assert.equal(queries.length, 5, seen.join('\n'));
    assert.match(queries[0].body, /SELECT 1/);
  });

  test('by default preflight stops a token without D1 Edit before wrangler runs', async (t) => {
    const { run, api } = await migrate(t, 'd1-apply-7403');
    assert.equal(run.failed, true, describeRun(run));
    assert.equal(run.outputs['error-code'], '7403', describeRun(run));
    const queries = api.requests().filter((r) => r.path.endsWith('/query'));
    assert.equal(queries.length, 1, 'wrangler ran');
    assert.match(queries[0].body, /SELECT 1/);
  });

  test('preflight: auto leaves a deploy alone', async (t) => {
    const dir = tempDir(t);
    const api = await startFakeApi(t, 'd1-apply-ok', dir);
    const run = await runAction({
      actionDir: copyAction(dir), workspace: dir, tempDir: dir, env: isolatedEnv(dir, api.baseUrl),
      inputs: { command: 'deploy', 'working-directory': copyProject(dir), wrangler: '/bin/true', 'api-token': TOKEN },
    });
    assert.equal(run.failed, false, describeRun(run));
    assert.deepEqual(api.requests(), []);
  });
});

describe('workflow commands in wrangler output', () => {
  test('are passed through as text: no annotation, mask or output comes from them', async (t) => {
    const dir = tempDir(t);
    const fake = writeHostileWrangler(dir);
    const api = await startFakeApi(t, 'd1-apply-ok', dir);
    const run = await runAction({
      actionDir: copyAction(dir), workspace: dir, tempDir: dir, env: isolatedEnv(dir, api.baseUrl),
      inputs: { command: 'migrate', database: 'lab-db', 'working-directory': copyProject(dir), wrangler: fake, preflight: 'false' },
    });
    assert.equal(run.failed, false, describeRun(run));
    assert.deepEqual(run.annotations, [], describeRun(run));
    assert.ok(!run.masks.includes('y'), `masks: ${run.masks}`);
    // cfdeploy's own stop token is the only mask.
    assert.ok(run.masks.every((mask) => /^[0-9a-f]{32,}$/.test(mask)), `masks: ${run.masks}`);
    for (const line of ['::error::x', '  ::add-mask::y', '##[error]z', 'ghadelimiter_123', '::stop-commands::abc']) {
      assert.ok(run.log.split('\n').includes(line), `'${line}' is not in the log as text`);
    }
    assert.equal(run.outputs.outcome, 'success');
    assert.equal(run.outputs['error-class'], '');
    assert.deepEqual(Object.keys(run.steps[1].outputs).sort(), Object.keys(run.outputs).sort());
  });
});

describe('bad inputs and platforms', () => {
  test('migrate without a database fails naming the database input', async (t) => {
    const run = await runOffline(t, { command: 'migrate' });
    assert.equal(run.steps[1].outcome, 'failure');
    const [error] = stepErrors(run);
    assert.equal(error.properties.title, 'cfdeploy: bad input');
    assert.match(error.message, /'database' input/);
  });

  test('an unknown command fails naming the command input and the value', async (t) => {
    const run = await runOffline(t, { command: 'bogus' });
    assert.equal(run.steps[1].outcome, 'failure');
    const [error] = stepErrors(run);
    assert.equal(error.properties.title, 'cfdeploy: bad input');
    assert.match(error.message, /^command must be deploy, migrate, run, preflight or explain, not 'bogus'/);
  });

  test('a binary that does not match SHA256SUMS is refused before it runs', async (t) => {
    const run = await runOffline(t, { command: 'explain', log: fixture('wrangler/d1-apply-7403.log') }, {
      prepare: (action) => {
        writeFileSync(path.join(action, 'dist/SHA256SUMS'), `${'0'.repeat(64)}  cfdeploy-linux-x64\n`);
      },
    });
    assert.equal(run.steps[0].outcome, 'failure');
    assert.equal(run.steps[1].skipped, true, 'cfdeploy ran after a checksum mismatch');
    const [error] = stepErrors(run);
    assert.equal(error.properties.title, 'cfdeploy: checksum mismatch');
    assert.equal(run.outputs.outcome, '');
  });

  // The emulator runs on x86-64, so the host build stands in for the arm64 binary: what
  // is under test is which file the action picks and checks.
  const asArm64Only = (action, checksum) => {
    renameSync(path.join(action, 'dist/cfdeploy-linux-x64'), path.join(action, 'dist/cfdeploy-linux-arm64'));
    const actual = sha256(path.join(action, 'dist/cfdeploy-linux-arm64'));
    writeFileSync(path.join(action, 'dist/SHA256SUMS'), `${checksum ?? actual}  cfdeploy-linux-arm64\n`);
  };

  test('an ARM64 Linux runner runs dist/cfdeploy-linux-arm64 once its checksum matches', async (t) => {
    const run = await runOffline(t, { command: 'explain', log: fixture('wrangler/d1-apply-7403.log') }, {
      arch: 'ARM64',
      prepare: (action) => asArm64Only(action),
    });
    assert.equal(run.steps[0].outcome, 'success', describeRun(run));
    assert.match(run.steps[0].outputs.path, /\/dist\/cfdeploy-linux-arm64$/);
    assert.equal(run.outputs['error-code'], '7403');
  });

  test('an X64 Linux runner does not run the arm64 binary', async (t) => {
    const run = await runOffline(t, { command: 'explain', log: fixture('wrangler/d1-apply-7403.log') }, {
      prepare: (action, dir) => {
        asArm64Only(action);
        // No cmake: with no x64 binary the action can only fail, never fall back to arm64.
        const bin = path.join(dir, 'bin');
        mkdirSync(bin);
        for (const tool of ['bash', 'awk', 'cut', 'sha256sum', 'chmod', 'cat']) symlinkSync(`/usr/bin/${tool}`, path.join(bin, tool));
        return { PATH: bin };
      },
    });
    assert.equal(run.steps[0].outcome, 'failure', describeRun(run));
    const [error] = stepErrors(run);
    assert.equal(error.properties.title, 'cfdeploy: unsupported runner');
    assert.match(error.message, /Linux\/X64/);
  });

  test('an arm64 binary that does not match SHA256SUMS is refused before it runs', async (t) => {
    const run = await runOffline(t, { command: 'explain', log: fixture('wrangler/d1-apply-7403.log') }, {
      arch: 'ARM64',
      prepare: (action) => asArm64Only(action, 'f'.repeat(64)),
    });
    assert.equal(run.steps[0].outcome, 'failure', describeRun(run));
    assert.equal(run.steps[1].skipped, true, 'cfdeploy ran after a checksum mismatch');
    const [error] = stepErrors(run);
    assert.equal(error.properties.title, 'cfdeploy: checksum mismatch');
    assert.match(error.message, /^dist\/cfdeploy-linux-arm64 does not match dist\/SHA256SUMS \(expected f{64}, got [0-9a-f]{64}\)/);
  });

  for (const [os, arch] of [['macOS', 'ARM64'], ['Windows', 'X64']]) {
    test(`a ${os} runner fails naming the platform and the two ways out`, async (t) => {
      const run = await runOffline(t, { command: 'explain', log: fixture('wrangler/d1-apply-7403.log') }, { os, arch });
      assert.equal(run.steps[0].outcome, 'failure', describeRun(run));
      assert.equal(run.steps[1].skipped, true);
      const [error] = stepErrors(run);
      assert.equal(error.properties.title, 'cfdeploy: unsupported runner');
      assert.ok(error.message.includes(`runs on ${os}/${arch}`), error.message);
      assert.match(error.message, /run this step on a Linux runner/);
      assert.match(error.message, /command: explain/);
    });
  }

  test('a runner with no prebuilt binary and no cmake fails naming the platform', async (t) => {
    const run = await runOffline(t, { command: 'explain', log: fixture('wrangler/d1-apply-7403.log') }, {
      arch: 'ARM64',
      prepare: (action, dir) => {
        // Only what the binary step's bash needs: no cmake, no compiler.
        const bin = path.join(dir, 'bin');
        mkdirSync(bin);
        for (const tool of ['bash', 'awk', 'cut', 'sha256sum', 'chmod', 'cat']) symlinkSync(`/usr/bin/${tool}`, path.join(bin, tool));
        return { PATH: bin };
      },
    });
    assert.equal(run.steps[0].outcome, 'failure', describeRun(run));
    const [error] = stepErrors(run);
    assert.equal(error.properties.title, 'cfdeploy: unsupported runner');
    assert.match(error.message, /Linux\/ARM64/);
  });

  test('explain reads a saved log and reports the error code', async (t) => {
    const run = await runOffline(t, { command: 'explain', log: fixture('wrangler/d1-apply-7403.log') });
    const [error] = stepErrors(run);
    assert.ok(error, describeRun(run));
    assert.match(error.properties.title, /code 7403/);
    assert.equal(run.outputs['error-code'], '7403');
    assert.equal(run.outputs['error-class'], 'authorization');
  });
});

// Text from wrangler or a log that could pass for a command in ways the
// hostile-wrangler test above does not cover.
describe('child and log text cannot act through cfdeploy\'s own output', () => {
  const INJECTED = '##[error]injected';

  test('a wrangler line on stderr reaches the log inside the stop-commands window', async (t) => {
    const dir = tempDir(t);
    const fake = writeHostileWrangler(dir, ["echo '::error::on stderr' >&2", 'exit 0']);
    const api = await startFakeApi(t, 'd1-apply-ok', dir);
    const run = await runAction({
      actionDir: copyAction(dir), workspace: dir, tempDir: dir, env: isolatedEnv(dir, api.baseUrl),
      inputs: { command: 'migrate', database: 'lab-db', 'working-directory': copyProject(dir), wrangler: fake, preflight: 'false' },
    });
    const stdout = run.steps[1].stdout;
    const token = stdout.match(/^::stop-commands::(\w+)$/m)?.[1];
    assert.ok(token, 'no stop-commands token');
    const window = stdout.slice(stdout.indexOf(`::stop-commands::${token}`), stdout.indexOf(`::${token}::`));
    assert.ok(window.includes('::error::on stderr'), 'the child\'s stderr line is outside the window');
  });

  test('an API error message with a legacy command becomes no annotation', async (t) => {
    const dir = tempDir(t);
    const scenario = JSON.parse(readFileSync(fixture('scenarios/d1-apply-7403.json'), 'utf8'));
    scenario.rules[0].json.errors[0].message = `The given account ${INJECTED} is not valid`;
    const rules = path.join(dir, 'rules.json');
    writeFileSync(rules, JSON.stringify(scenario));
    const api = await startFakeApi(t, rules, dir);
    const run = await runAction({
      actionDir: copyAction(dir), workspace: dir, tempDir: dir, env: isolatedEnv(dir, api.baseUrl),
      inputs: { command: 'migrate', database: 'lab-db', 'working-directory': copyProject(dir), wrangler: WRANGLER, 'api-token': TOKEN, preflight: 'false' },
    });
    const injected = stepErrors(run).filter((a) => a.message.startsWith('injected'));
    assert.deepEqual(injected, [], describeRun(run));
  });

  test('explain on a log with a legacy command in an error line makes no extra annotation', async (t) => {
    const dir = tempDir(t);
    const log = path.join(dir, 'step.log');
    writeFileSync(log, readFileSync(fixture('wrangler/d1-apply-7403.log'), 'utf8').replace('The given account', `The given account ${INJECTED}`));
    const run = await runOffline(t, { command: 'explain', log });
    assert.equal(stepErrors(run).length, 1, describeRun(run));
  });
});
