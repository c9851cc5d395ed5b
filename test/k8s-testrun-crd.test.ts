// The `k8s` command's TestRun is checked against the k6-operator's published CRD schema (vendored in
// test/fixtures/k6-operator/ with its source), not only by shape. The CRD's
// openAPIV3Schema is compiled with Ajv; objects reject fields the schema does not declare (as
// `kubectl apply` does with its default strict field validation) unless marked
// x-kubernetes-preserve-unknown-fields. The formats are those the CRD uses (int32, int64, date-time).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { renderK8sManifest } from '../src/cli/k8s.ts';

type Schema = Record<string, unknown>;
const CRD = fileURLToPath(new URL('./fixtures/k6-operator/k6.io_testruns.yaml', import.meta.url));

/** Kubernetes' structural-schema reading: undeclared fields are errors, unless preserved. */
function strictFields(schema: Schema): Schema {
  const out: Schema = {};
  for (const [k, v] of Object.entries(schema)) {
    if (k === 'properties' && v && typeof v === 'object') out[k] = Object.fromEntries(Object.entries(v).map(([name, s]) => [name, strictFields(s as Schema)]));
    else if (['items', 'additionalProperties'].includes(k) && v && typeof v === 'object') out[k] = strictFields(v as Schema);
    else if (['anyOf', 'allOf', 'oneOf'].includes(k) && Array.isArray(v)) out[k] = v.map((s) => strictFields(s as Schema));
    else out[k] = v;
  }
  if (out.properties && out.additionalProperties === undefined && out['x-kubernetes-preserve-unknown-fields'] !== true) out.additionalProperties = false;
  return out;
}

let validate: ValidateFunction;
let version: string;
beforeAll(() => {
  const crd = parseAllDocuments(readFileSync(CRD, 'utf8')).map((d) => d.toJS()).find((d) => d?.kind === 'CustomResourceDefinition');
  expect(crd.spec.names.kind).toBe('TestRun');
  const served = crd.spec.versions.find((v: { name: string; served: boolean }) => v.served);
  version = `${crd.spec.group}/${served.name}`;
  const ajv = new Ajv({ strict: true, strictTypes: false, allErrors: true });
  ajv.addFormat('date-time', { type: 'string', validate: (t: string) => /^\d{4}-\d\d-\d\dT/.test(t) && !Number.isNaN(Date.parse(t)) });
  ajv.addFormat('int32', { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31 });
  ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isInteger(n) });
  for (const keyword of ['x-kubernetes-int-or-string', 'x-kubernetes-list-type', 'x-kubernetes-list-map-keys', 'x-kubernetes-map-type', 'x-kubernetes-preserve-unknown-fields', 'x-kubernetes-validations']) ajv.addKeyword(keyword); // Ajv knows OpenAPI's `nullable` itself
  validate = ajv.compile(strictFields(served.schema.openAPIV3Schema as Schema));
});

const explain = () => (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`).join('\n');

async function testRun(args: string[]) {
  const docs = parseAllDocuments(await renderK8sManifest(args, {})).map((d) => d.toJS());
  return docs.find((d) => d.kind === 'TestRun');
}

describe('k8s output against the k6-operator TestRun CRD', () => {
  it('validates with every option the command takes', async () => {
    for (const args of [
      ['--target', 'https://staging.example', '--job-posting-id', 'jp-1'],
      ['--scenario', 'full-flow', '--parallelism', '4', '--target', 'https://staging.example', '--rate', '15', '--duration', '2m', '--file-sizes', '1KiB:1', '--mix', 'resume:1', '--max-vus', '30', '--namespace', 'load', '--threshold', 'checks:rate>0.99', '--job-posting-id', 'jp-1', '--secret-name', 'uh-key', '--image', 'grafana/k6:1.0.0'],
    ]) {
      const tr = await testRun(args);
      expect(tr.apiVersion).toBe(version);
      expect(validate(tr), `${args.join(' ')}\n${explain()}`).toBe(true);
    }
  });

  it('rejects what the operator would reject: an unknown field, a wrong type, a bad env entry', async () => {
    const tr = await testRun(['--target', 'https://staging.example', '--job-posting-id', 'jp-1']);
    const mutants: [string, (t: any) => void, RegExp][] = [
      ['misspelled field', (t) => (t.spec.paralelism = 2), /additionalProperty.*paralelism/],
      ['parallelism as text', (t) => (t.spec.parallelism = '4'), /\/spec\/parallelism must be integer/],
      ['parallelism beyond int32', (t) => (t.spec.parallelism = 2 ** 31), /\/spec\/parallelism must match format "int32"/],
      ['env entry without a name', (t) => delete t.spec.runner.env[0].name, /\/spec\/runner\/env\/0 must have required property 'name'/],
      ['secret reference misspelled', (t) => (t.spec.runner.env.at(-1).valueFrom = { secretRef: { name: 'x', key: 'k' } }), /additionalProperty.*secretRef/],
      ['script without a source', (t) => (t.spec.script = { configMapp: {} }), /additionalProperty.*configMapp/],
    ];
    for (const [name, mutate, message] of mutants) {
      const copy = structuredClone(tr);
      mutate(copy);
      expect(validate(copy), name).toBe(false);
      expect(explain(), name).toMatch(message);
    }
  });
});
