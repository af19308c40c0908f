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
  copyAction, copyPagesProject, copyProject, fixture, isolatedEnv, requireFile, sha256, startFakeApi, tempDir, TOKEN, WRANGLER,
} from './support.mjs';

const BOOKMARK = '00000085-0000024c-00004c6d-8e61117bf38d7adb71b934ebbf891683';
const PREVIOUS_BOOKMARK = '00000084-00000010-00004c6d-0a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d';

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

  test('a token refused on D1 tells how to add D1 Edit and replace the secret', async (t) => {
    const { run } = await migrate(t, 'd1-apply-10000', { preflight: 'false' });
    const [error] = stepErrors(run);
    assert.equal(run.outputs['error-class'], 'authorization', describeRun(run));
    assert.match(error.message, /D1 › Edit/);
    // The catalogue words it "Update the CLOUDFLARE_API_TOKEN secret in the repository …".
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

  test('a remote run takes a bookmark first and gives it as the restore-bookmark output', async (t) => {
    const { run, api } = await migrate(t, 'd1-apply-bookmark');
    assert.equal(run.failed, false, describeRun(run));
    assert.equal(run.outputs['restore-bookmark'], BOOKMARK);
    assert.ok(api.requests().some((request) => request.path.endsWith('/time_travel/bookmark')), 'no bookmark request');
    assert.match(run.summary, /### Undo this run/);
    assert.ok(run.summary.includes(`wrangler d1 time-travel restore lab-db --bookmark=${BOOKMARK}`), run.summary);
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

// A wrangler that deploys: it writes wrangler's deploy entry and succeeds.
function writeDeployingWrangler(dir) {
  const entry = { type: 'deploy', version: 1, worker_name: 'site', version_id: 'v-1', targets: ['https://site.octo.workers.dev'] };
  return writeHostileWrangler(dir, [`echo '${JSON.stringify(entry)}' >> "$WRANGLER_OUTPUT_FILE_PATH"`, "echo 'Deployed site'", 'exit 0']);
}

const GITHUB_TOKEN = 'ghs_action_test_github_token_0123456789';

// `cfdeploy deploy` through the action with a github-token, against a fake GitHub REST
// API (fake_cloudflare with GitHub's rules) on 127.0.0.1.
async function deployWithGithub(t, scenario, inputs = {}) {
  const dir = tempDir(t);
  const github = await startFakeApi(t, fixture('scenarios', `${scenario}.json`), dir);
  const event = path.join(dir, 'event.json');
  writeFileSync(event, JSON.stringify({ repository: { default_branch: 'main' } }));
  const run = await runAction({
    actionDir: copyAction(dir), workspace: dir, tempDir: dir,
    env: {
      PATH: '/usr/bin:/bin', HOME: dir, GITHUB_API_URL: `http://127.0.0.1:${github.port}`,
      GITHUB_REPOSITORY: 'octo/site', GITHUB_SHA: 'abc123', GITHUB_REF_NAME: 'main', GITHUB_EVENT_NAME: 'push',
      GITHUB_EVENT_PATH: event, GITHUB_SERVER_URL: 'https://github.com',
    },
    inputs: { command: 'deploy', wrangler: writeDeployingWrangler(dir), 'github-token': GITHUB_TOKEN, ...inputs },
  });
  const bodies = github.requests().map((request) => JSON.parse(request.body));
  return { run, bodies };
}

function assertGithubTokenHidden(run) {
  assert.ok(run.masks.includes(GITHUB_TOKEN), 'the github-token is not masked');
  for (const [what, text] of Object.entries({ log: run.log, summary: run.summary, outputs: JSON.stringify(run.outputs), annotations: JSON.stringify(run.annotations) })) {
    assert.ok(!text.includes(GITHUB_TOKEN), `the github-token is in the ${what}`);
  }
}

describe('GitHub Deployments', () => {
  test('a deploy with a github-token is recorded as production on the default branch', async (t) => {
    const { run, bodies } = await deployWithGithub(t, 'github-deployments-ok');
    assert.equal(run.failed, false, describeRun(run));
    assert.equal(run.outputs['deployment-url'], 'https://site.octo.workers.dev');
    assert.equal(bodies.length, 2, describeRun(run));
    assert.equal(bodies[0].environment, 'production');
    assert.equal(bodies[0].ref, 'abc123');
    assert.equal(bodies[1].state, 'success');
    assert.equal(bodies[1].environment_url, 'https://site.octo.workers.dev');
    assert.match(run.log, /recorded GitHub deployment 42 \(production, success\)/);
    assertGithubTokenHidden(run);
  });

  test('the github-environment input names the environment', async (t) => {
    const { run, bodies } = await deployWithGithub(t, 'github-deployments-ok', { 'github-environment': 'staging' });
    assert.equal(run.failed, false, describeRun(run));
    assert.equal(bodies[0].environment, 'staging');
    assert.equal(bodies[0].transient_environment, true);
  });

  test('a token GitHub refuses is one warning and the deploy still succeeds', async (t) => {
    const { run, bodies } = await deployWithGithub(t, 'github-deployments-403');
    assert.equal(run.failed, false, describeRun(run));
    assert.equal(run.outputs.outcome, 'success');
    assert.equal(bodies.length, 1);
    const warnings = run.annotations.filter((a) => a.level === 'warning' && a.source === 'step');
    assert.equal(warnings.length, 1, describeRun(run));
    assert.equal(warnings[0].properties.title, 'cfdeploy: GitHub deployment not recorded');
    assert.match(warnings[0].message, /deployments: write/);
    assertGithubTokenHidden(run);
  });
});

// `cfdeploy pages site --project-name lab-site` through the action, over real
// wrangler and the fake API. `github` is the runner's GITHUB_* variables.
async function pages(t, scenario, { inputs = {}, github = {} } = {}) {
  requireFile(WRANGLER, 'run script/bootstrap (npm ci in tests/wrangler)');
  const dir = tempDir(t);
  const api = await startFakeApi(t, scenario, dir);
  const run = await runAction({
    actionDir: copyAction(dir),
    workspace: dir,
    tempDir: dir,
    env: { ...isolatedEnv(dir, api.baseUrl), ...github },
    inputs: {
      command: 'pages', directory: 'site', 'project-name': 'lab-site', 'working-directory': copyPagesProject(dir),
      wrangler: WRANGLER, 'api-token': TOKEN, ...inputs,
    },
  });
  const created = api.requests().find((r) => r.method === 'POST' && r.path.endsWith('/pages/projects/lab-site/deployments'));
  const branch = created?.body.match(/--part name="branch"[^\n]*\n([^\n]*)\n/)?.[1];
  return { run, api, branch };
}

const PULL_REQUEST = { GITHUB_EVENT_NAME: 'pull_request', GITHUB_HEAD_REF: 'feature-x', GITHUB_REF_NAME: '7/merge', GITHUB_REF_TYPE: 'branch' };
const PUSH = { GITHUB_EVENT_NAME: 'push', GITHUB_HEAD_REF: '', GITHUB_REF_NAME: 'main', GITHUB_REF_TYPE: 'branch' };

describe('Pages over real wrangler', () => {
  test('a pull request deploys its head branch and gets wrangler-action\'s four Pages outputs', async (t) => {
    const { run, branch } = await pages(t, 'pages-deploy-ok', { github: PULL_REQUEST });
    assert.equal(run.failed, false, describeRun(run));
    assert.equal(branch, 'feature-x');
    assert.deepEqual(
      Object.fromEntries(['outcome', 'deployment-url', 'pages-deployment-alias-url', 'pages-deployment-id', 'pages-environment']
        .map((name) => [name, run.outputs[name]])),
      {
        outcome: 'success',
        'deployment-url': 'https://0f1e2d3c.lab-site.pages.dev',
        'pages-deployment-alias-url': 'https://feature-x.lab-site.pages.dev',
        'pages-deployment-id': '0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9',
        'pages-environment': 'preview',
      },
    );
    assert.deepEqual(run.annotations.filter((a) => a.level === 'error'), []);
    assert.deepEqual(Object.keys(run.steps[1].outputs).sort(), Object.keys(run.outputs).sort());
  });

  test('a push deploys the pushed branch, and the branch input wins over both', async (t) => {
    const pushed = await pages(t, 'pages-deploy-ok', { github: PUSH });
    assert.equal(pushed.run.failed, false, describeRun(pushed.run));
    assert.equal(pushed.branch, 'main');
    const chosen = await pages(t, 'pages-deploy-ok', { github: PULL_REQUEST, inputs: { branch: 'staging' } });
    assert.equal(chosen.branch, 'staging');
  });

  test('with a github-token the deployment is recorded in the environment Pages gives', async (t) => {
    const github = await startFakeApi(t, fixture('scenarios', 'github-deployments-ok.json'), tempDir(t));
    const { run } = await pages(t, 'pages-deploy-ok', {
      github: { ...PULL_REQUEST, GITHUB_API_URL: `http://127.0.0.1:${github.port}`, GITHUB_REPOSITORY: 'octo/site', GITHUB_SHA: 'abc123' },
      inputs: { 'github-token': GITHUB_TOKEN },
    });
    assert.equal(run.failed, false, describeRun(run));
    const bodies = github.requests().map((request) => JSON.parse(request.body));
    assert.equal(bodies.length, 2, describeRun(run));
    assert.equal(bodies[0].environment, 'preview');
    assert.equal(bodies[0].transient_environment, true);
    assert.equal(bodies[1].state, 'success');
    assert.equal(bodies[1].environment_url, 'https://0f1e2d3c.lab-site.pages.dev');
    assert.match(bodies[1].log_url, /^https:\/\/dash\.cloudflare\.com\/[0-9a-f]{32}\/pages\/view\/lab-site\/0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9$/);
    assertGithubTokenHidden(run);
  });

  test('a tag push leaves the branch to wrangler', async (t) => {
    const { run, branch } = await pages(t, 'pages-deploy-ok', { github: { GITHUB_REF_NAME: 'v1.2.0', GITHUB_REF_TYPE: 'tag' } });
    assert.equal(run.failed, false, describeRun(run));
    assert.equal(branch, undefined);
  });

  test('preflight: true stops a missing project before wrangler, naming the account\'s projects', async (t) => {
    const { run, api } = await pages(t, 'preflight-pages-missing', { github: PUSH, inputs: { preflight: 'true' } });
    assert.equal(run.failed, true, describeRun(run));
    assert.equal(run.steps[1].outputs['failed-check'], 'pages-project', describeRun(run));
    assert.match(run.log, /'lab-site-v2', 'blog'/);
    assert.ok(!api.requests().some((r) => r.path.endsWith('/upload-token')), 'wrangler ran');
  });

  test('a token without Pages Edit fails with one annotation naming Account › Cloudflare Pages › Edit', async (t) => {
    const { run } = await pages(t, 'pages-deploy-7403', { github: PUSH });
    assert.equal(run.failed, true);
    const errors = stepErrors(run);
    assert.equal(errors.length, 1, describeRun(run));
    assert.match(errors[0].message, /Account › Cloudflare Pages › Edit/);
    assert.deepEqual(
      { 'error-class': run.outputs['error-class'], 'error-code': run.outputs['error-code'], attempts: run.outputs.attempts },
      { 'error-class': 'authorization', 'error-code': '7403', attempts: '1' },
    );
    assert.match(run.summary, /Account › Cloudflare Pages › Edit/);
    assert.ok(!run.log.includes(TOKEN) && !run.summary.includes(TOKEN), 'the token leaked');
  });
});

describe('a version upload over real wrangler', () => {
  test('upload-only gives the version id and its preview URL, and deploys nothing', async (t) => {
    requireFile(WRANGLER, 'run script/bootstrap (npm ci in tests/wrangler)');
    const dir = tempDir(t);
    const api = await startFakeApi(t, 'versions-upload-ok', dir);
    const run = await runAction({
      actionDir: copyAction(dir), workspace: dir, tempDir: dir, env: isolatedEnv(dir, api.baseUrl),
      inputs: { command: 'deploy', 'upload-only': 'true', 'working-directory': copyProject(dir), wrangler: WRANGLER, 'api-token': TOKEN },
    });
    assert.equal(run.failed, false, describeRun(run));
    assert.equal(run.outputs['version-id'], '22222222-3333-4444-8555-666666666666');
    assert.equal(run.outputs['deployment-url'], 'https://22222222-lab-worker.lab-sub.workers.dev');
    assert.ok(api.requests().some((r) => r.method === 'POST' && r.path.endsWith('/workers/scripts/lab-worker/versions')));
    assert.ok(!api.requests().some((r) => r.method === 'PUT' || r.path.includes('/deployments')), 'the version was deployed');
  });
});

describe('plan', () => {
  test('lists the pending migrations, applies nothing and gives their count', async (t) => {
    const { run, api } = await migrate(t, 'd1-list-two', { plan: 'true' });
    assert.equal(run.failed, false, describeRun(run));
    assert.equal(run.outputs['pending-migrations'], '2');
    assert.equal(run.outputs['migrations-applied'], '0');
    // wrangler's two (the table and the applied list); preflight's probe is `SELECT 1`.
    const queries = api.requests().filter((request) => request.path.endsWith('/query') && !request.body.includes('SELECT 1'));
    assert.equal(queries.length, 2);
    assert.match(run.summary, /### Plan/);
  });
});

describe('command: restore', () => {
  test('restores to the bookmark and gives the one that undoes it', async (t) => {
    const { run, api } = await migrate(t, 'd1-restore-ok', { command: 'restore', bookmark: BOOKMARK });
    assert.equal(run.failed, false, describeRun(run));
    assert.equal(run.outputs.outcome, 'success');
    const restore = api.requests().find((request) => request.path.endsWith('/time_travel/restore'));
    assert.ok(restore, 'no restore request');
    assert.equal(restore.query, `bookmark=${BOOKMARK}`);
    assert.match(run.summary, /### Undo this restore/);
    assert.ok(run.summary.includes(`--bookmark=${PREVIOUS_BOOKMARK}`), run.summary);
  });

  test('a token without D1 Edit fails with the restore permission error', async (t) => {
    const { run } = await migrate(t, 'd1-restore-7403', { command: 'restore', bookmark: BOOKMARK });
    assert.equal(run.failed, true);
    assert.equal(run.outputs['error-class'], 'authorization');
    assert.equal(run.outputs['error-code'], '7403');
    const [error] = stepErrors(run);
    assert.match(error.message, /cannot restore this D1 database/);
  });

  test('restore without a bookmark fails naming the bookmark input', async (t) => {
    const run = await runOffline(t, { command: 'restore', database: 'lab-db' });
    assert.equal(run.steps[1].outcome, 'failure');
    const [error] = stepErrors(run);
    assert.equal(error.properties.title, 'cfdeploy: bad input');
    assert.match(error.message, /'bookmark' input/);
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

  test('pages without a directory or a project name fails naming the input', async (t) => {
    for (const [inputs, name] of [[{ 'project-name': 'site' }, 'directory'], [{ directory: 'dist' }, 'project-name']]) {
      const run = await runOffline(t, { command: 'pages', ...inputs });
      assert.equal(run.steps[1].outcome, 'failure');
      const [error] = stepErrors(run);
      assert.equal(error.properties.title, 'cfdeploy: bad input');
      assert.match(error.message, new RegExp(`'${name}' input`));
    }
  });

  test('an unknown command fails naming the command input and the value', async (t) => {
    const run = await runOffline(t, { command: 'bogus' });
    assert.equal(run.steps[1].outcome, 'failure');
    const [error] = stepErrors(run);
    assert.equal(error.properties.title, 'cfdeploy: bad input');
    assert.match(error.message, /^command must be deploy, migrate, pages, restore, run, preflight or explain, not 'bogus'/);
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
