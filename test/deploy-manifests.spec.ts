// Static checks of the deployment files (docker-compose.yml, Dockerfile, deploy/k8s) against the
// code: every environment variable set for a service is one its config class reads, the required
// ones are set and valid, ports agree with config/services.json, and the infrastructure hosts the
// services are pointed at exist. No Docker or cluster needed: the YAML is parsed and compared.
/* eslint-disable no-restricted-imports -- the check needs each service's own config class */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { ConfigError, configKeys, loadConfig } from '@crm/config';
import { CarePlansConfig } from '../services/care-plans/src/care-plans.config';
import { ComplaintsConfig } from '../services/complaints/src/complaints.config';
import { GatewayConfig } from '../services/gateway/src/gateway.config';
import { LoyaltyConfig } from '../services/loyalty/src/loyalty.config';
import { MembersConfig } from '../services/members/src/members.config';
import { NotificationsConfig } from '../services/notifications/src/notifications.config';
import {
  autoscalerProblems,
  composeProblems,
  deploymentRolloutProblems,
  overlayProblems,
  singleWriterServices,
} from './support/single-writer-rollout';

/* eslint-disable @typescript-eslint/no-explicit-any -- parsed YAML is untyped by nature */
type Doc = any;
type ConfigClass = new () => object;
type Env = Record<string, string>;

const ROOT = resolve(__dirname, '..');
const K8S = join(ROOT, 'deploy', 'k8s');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

const CONFIG_CLASSES: Record<string, ConfigClass> = {
  gateway: GatewayConfig,
  members: MembersConfig,
  loyalty: LoyaltyConfig,
  'care-plans': CarePlansConfig,
  complaints: ComplaintsConfig,
  notifications: NotificationsConfig,
};
const SERVICES_JSON: Record<string, { port: number; db?: string }> = JSON.parse(
  read('config/services.json'),
);
const SERVICE_NAMES = Object.keys(SERVICES_JSON);
/** Stands in for values that come from a Secret (unknown here, validated by the app itself). */
const SECRET_PLACEHOLDER = 'secret-from-kubernetes-placeholder-0123456789';
const KEY_PLACEHOLDER = Buffer.alloc(32, 7).toString('base64');
/** A stand-in for a value that comes from a Secret, shaped as its variable must be. */
function secretPlaceholder(name: string): string {
  if (name === 'MEMBERS_DATA_KEYS') return `k1:${KEY_PLACEHOLDER}`;
  if (name === 'CARE_DATA_KEYS') return `dev1:${KEY_PLACEHOLDER}`;
  if (name === 'MEMBERS_BLIND_INDEX_KEY') return KEY_PLACEHOLDER;
  return SECRET_PLACEHOLDER;
}
/** Variables each service takes from Secrets rather than ConfigMaps. */
const SECRET_VARIABLES: Record<string, string[]> = {
  gateway: ['AUTH_JWT_SECRET'],
  members: ['MEMBERS_DATA_KEYS', 'MEMBERS_BLIND_INDEX_KEY'],
  'care-plans': ['CARE_DATA_KEYS'],
};

// --- checker logic (pure; exercised on inline fixtures below) ---------------------------------

/** Variables whose absence makes loadConfig fail: derived from the class, not hard-coded. */
function requiredKeys(cls: ConfigClass): string[] {
  try {
    loadConfig(cls, {});
    return [];
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return error.problems.map((p) => p.split(' ')[0]).sort();
  }
}

/** Problems with one service's environment: unknown names, missing or invalid values. */
function envProblems(where: string, cls: ConfigClass, env: Env): string[] {
  const known = new Set(configKeys(cls));
  const problems: string[] = [];
  for (const key of Object.keys(env)) {
    if (!known.has(key))
      problems.push(`${where}: unknown variable ${key} (not read by ${cls.name})`);
  }
  for (const key of requiredKeys(cls)) {
    if (!env[key]) problems.push(`${where}: missing required ${key}`);
  }
  try {
    loadConfig(cls, env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(...error.problems.map((p) => `${where}: invalid ${p}`));
  }
  return problems;
}

interface Endpoint {
  kind: 'nats' | 'kafka' | 'mongo';
  host: string;
  port: number;
}

/** Hosts the effective configuration connects to (defaults included). */
function endpoints(cls: ConfigClass, env: Env): Endpoint[] {
  const config = loadConfig(cls, env) as Record<string, unknown>;
  const split = (value: unknown) => String(value).split(',');
  const hostPort = (s: string, fallback: number) => {
    const [host, port] = s.split(':');
    return { host, port: port ? Number(port) : fallback };
  };
  const result: Endpoint[] = split(config.NATS_URL).map((u) => ({
    kind: 'nats',
    ...hostPort(u.replace(/^nats:\/\//, ''), 4222),
  }));
  if ('KAFKA_BROKERS' in config) {
    result.push(
      ...split(config.KAFKA_BROKERS).map((b) => ({ kind: 'kafka' as const, ...hostPort(b, 9092) })),
    );
  }
  if ('MONGO_URL' in config) {
    const hosts = String(config.MONGO_URL)
      .replace(/^mongodb(\+srv)?:\/\//, '')
      .replace(/^[^@/]*@/, '')
      .split(/[/?]/)[0];
    result.push(
      ...hosts.split(',').map((h) => ({ kind: 'mongo' as const, ...hostPort(h, 27017) })),
    );
  }
  return result;
}

/** `${VAR:-default}` → default (no shell environment assumed); `${VAR}` → ''; `$$` → `$`. */
function interpolate(value: string): string {
  return value
    .replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?[-?+]([^}]*))?\}/g, (_m, _name, def) => def ?? '')
    .replace(/\$\$/g, '$');
}

function composeEnv(service: Doc): Env {
  const raw = service?.environment ?? {};
  const entries: [string, unknown][] = Array.isArray(raw)
    ? raw.map((line: string) => {
        const i = String(line).indexOf('=');
        return i < 0 ? [line, ''] : [line.slice(0, i), line.slice(i + 1)];
      })
    : Object.entries(raw);
  return Object.fromEntries(entries.map(([k, v]) => [k, interpolate(String(v ?? ''))]));
}

/** Compose durations: `30s`, `1m30s`, `500ms` → milliseconds. */
function durationMs(value: string | undefined): number {
  if (!value) return 10_000; // compose's default stop_grace_period
  const units: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1, us: 0.001 };
  let total = 0;
  for (const [, n, unit] of String(value).matchAll(/(\d+(?:\.\d+)?)(ms|us|h|m|s)/g)) {
    total += Number(n) * units[unit];
  }
  return total;
}

function dependsOn(service: Doc): string[] {
  const raw = service?.depends_on ?? [];
  return Array.isArray(raw) ? raw : Object.keys(raw);
}

/** Everything wrong with one application service in a parsed compose file. */
function checkComposeService(compose: Doc, name: string, cls: ConfigClass, port: number): string[] {
  const services = compose?.services ?? {};
  const service = services[name];
  if (!service) return [`compose: no service ${name}`];
  const where = `compose ${name}`;
  const env = composeEnv(service);
  const problems = envProblems(where, cls, env);
  const effective = problems.length ? undefined : (loadConfig(cls, env) as Record<string, any>);
  if (service.env_file) problems.push(`${where}: env_file is not checked, set environment instead`);
  if (service.build?.args?.SERVICE !== name)
    problems.push(`${where}: build.args.SERVICE must be ${name}`);
  if (env.HTTP_PORT !== undefined && Number(env.HTTP_PORT) !== port) {
    problems.push(`${where}: HTTP_PORT ${env.HTTP_PORT} != ${port} (config/services.json)`);
  }
  if (effective && effective.HTTP_PORT !== port) {
    problems.push(`${where}: effective HTTP_PORT ${effective.HTTP_PORT} != ${port}`);
  }
  const db = SERVICES_JSON[name]?.db;
  if (effective && db && effective.MONGO_DB !== db) {
    problems.push(`${where}: MONGO_DB ${effective.MONGO_DB} != ${db} (config/services.json)`);
  }
  for (const mapping of service.ports ?? []) {
    const spec = typeof mapping === 'object' ? String(mapping.target) : String(mapping);
    const container = Number(spec.split('/')[0].split(':').pop());
    if (container !== port)
      problems.push(`${where}: published container port ${container} != ${port}`);
  }
  const probe = JSON.stringify(service.healthcheck?.test ?? '');
  if (!probe.includes(`127.0.0.1:${port}/health/ready`)) {
    problems.push(`${where}: healthcheck must query 127.0.0.1:${port}/health/ready`);
  }
  const grace = Number(env.SHUTDOWN_GRACE_MS || 10_000);
  if (durationMs(service.stop_grace_period) <= grace) {
    problems.push(`${where}: stop_grace_period must exceed SHUTDOWN_GRACE_MS (${grace} ms)`);
  }
  for (const dep of dependsOn(service)) {
    if (!services[dep]) problems.push(`${where}: depends_on unknown service ${dep}`);
  }
  if (effective) {
    for (const ep of endpoints(cls, env)) {
      const target = services[ep.host];
      if (!target) {
        problems.push(`${where}: ${ep.kind} host ${ep.host} is not a compose service`);
        continue;
      }
      if (!dependsOn(service).includes(ep.host)) {
        problems.push(`${where}: uses ${ep.host} but does not depend_on it`);
      }
      const advertised = composeEnv(target).KAFKA_ADVERTISED_LISTENERS;
      if (ep.kind === 'kafka' && !advertised?.includes(`//${ep.host}:${ep.port}`)) {
        problems.push(`${where}: ${ep.host}:${ep.port} is not an advertised Kafka listener`);
      }
    }
  }
  return problems;
}

// --- Kubernetes -------------------------------------------------------------------------------

interface K8sFile {
  path: string; // relative to deploy/k8s
  docs: Doc[];
}

function loadK8sFiles(dir: string): K8sFile[] {
  const files: K8sFile[] = [];
  const walk = (d: string) => {
    for (const entry of readdirSync(d).sort()) {
      const full = join(d, entry);
      if (statSync(full).isDirectory()) walk(full);
      else if (/\.ya?ml$/.test(entry)) {
        const parsed = parseAllDocuments(readFileSync(full, 'utf8'));
        for (const doc of parsed) {
          if (doc.errors.length) throw new Error(`${full}: ${doc.errors[0].message}`);
        }
        const docs = parsed.map((d) => d.toJS()).filter((d) => d != null);
        files.push({ path: relative(dir, full), docs });
      }
    }
  };
  walk(dir);
  return files;
}

const byKind = (docs: Doc[], kind: string) => docs.filter((d) => d?.kind === kind);

function containerPort(container: Doc, port: number | string): number | undefined {
  if (typeof port === 'number') return port;
  return (container.ports ?? []).find((p: Doc) => p.name === port)?.containerPort;
}

/** The environment a Deployment's container gets from envFrom ConfigMaps and env entries. */
function deploymentEnv(container: Doc, configMaps: Doc[], problems: string[], where: string): Env {
  const env: Env = {};
  for (const source of container.envFrom ?? []) {
    const name = source.configMapRef?.name;
    const cm = configMaps.find((c) => c.metadata?.name === name);
    if (!name || !cm) {
      problems.push(`${where}: envFrom must reference a ConfigMap in the base (got ${name})`);
      continue;
    }
    Object.assign(env, stringValues(cm.data));
  }
  for (const entry of container.env ?? []) {
    if (entry.value !== undefined) env[entry.name] = String(entry.value);
    else if (entry.valueFrom?.secretKeyRef) env[entry.name] = secretPlaceholder(entry.name);
    else if (entry.valueFrom?.configMapKeyRef) {
      const { name, key } = entry.valueFrom.configMapKeyRef;
      const value = configMaps.find((c) => c.metadata?.name === name)?.data?.[key];
      if (value === undefined)
        problems.push(`${where}: ${entry.name} refers to missing ${name}/${key}`);
      else env[entry.name] = String(value);
    } else problems.push(`${where}: ${entry.name} has no value or known valueFrom`);
  }
  return env;
}

function stringValues(data: Record<string, unknown> | undefined): Env {
  return Object.fromEntries(Object.entries(data ?? {}).map(([k, v]) => [k, String(v)]));
}

function preStopSeconds(container: Doc): number {
  const cmd: string[] = container.lifecycle?.preStop?.exec?.command ?? [];
  const sleep = container.lifecycle?.preStop?.sleep?.seconds;
  if (sleep) return Number(sleep);
  return cmd[0] === 'sleep' ? Number(cmd[1]) : 0;
}

/**
 * Everything wrong with one service in the k8s base: `docs` are that service's folder,
 * `infra` the infrastructure documents its hosts must resolve to.
 */
function checkK8sService(
  docs: Doc[],
  name: string,
  cls: ConfigClass,
  port: number,
  infra: Doc[],
): string[] {
  const where = `k8s ${name}`;
  const problems: string[] = [];
  const deployments = byKind(docs, 'Deployment').filter((d) => d.metadata?.name === name);
  if (deployments.length !== 1) return [`${where}: expected one Deployment named ${name}`];
  const deployment = deployments[0];
  const pod = deployment.spec?.template?.spec ?? {};
  const containers: Doc[] = pod.containers ?? [];
  const container = containers.find((c) => c.name === name) ?? containers[0];
  if (!container) return [`${where}: no container`];

  const env = deploymentEnv(container, byKind(docs, 'ConfigMap'), problems, where);
  problems.push(...envProblems(where, cls, env));
  if (Number(env.HTTP_PORT) !== port) {
    problems.push(`${where}: HTTP_PORT ${env.HTTP_PORT} != ${port} (config/services.json)`);
  }
  const valid = !problems.length;
  const effective = valid ? (loadConfig(cls, env) as Record<string, any>) : undefined;
  const db = SERVICES_JSON[name]?.db;
  if (effective && db && effective.MONGO_DB !== db) {
    problems.push(`${where}: MONGO_DB ${effective.MONGO_DB} != ${db}`);
  }

  const secretRefs = (container.env ?? []).filter((e: Doc) => e.valueFrom?.secretKeyRef);
  for (const ref of secretRefs) {
    if (ref.name === 'AUTH_JWT_SECRET' && ref.valueFrom.secretKeyRef.name !== 'gateway-auth') {
      problems.push(`${where}: AUTH_JWT_SECRET must come from the Secret gateway-auth`);
    }
  }
  if ('AUTH_JWT_SECRET' in env && !secretRefs.some((e: Doc) => e.name === 'AUTH_JWT_SECRET')) {
    problems.push(`${where}: AUTH_JWT_SECRET must be a secretKeyRef, not a literal`);
  }

  if (
    !JSON.stringify(container.command ?? container.args ?? '').includes(
      `services/${name}/dist/main.js`,
    )
  ) {
    problems.push(`${where}: command must run services/${name}/dist/main.js`);
  }
  if (!(container.ports ?? []).some((p: Doc) => p.containerPort === port)) {
    problems.push(`${where}: no containerPort ${port}`);
  }
  const probes: [string, string][] = [
    ['livenessProbe', '/health/live'],
    ['readinessProbe', '/health/ready'],
  ];
  for (const [probe, path] of probes) {
    const get = container[probe]?.httpGet;
    if (get?.path !== path) problems.push(`${where}: ${probe} must GET ${path}`);
    else if (containerPort(container, get.port) !== port) {
      problems.push(`${where}: ${probe} port ${get.port} is not ${port}`);
    }
  }
  const startup = container.startupProbe?.httpGet;
  if (startup && containerPort(container, startup.port) !== port) {
    problems.push(`${where}: startupProbe port ${startup.port} is not ${port}`);
  }
  const annotations = deployment.spec?.template?.metadata?.annotations ?? {};
  if (annotations['prometheus.io/scrape'] !== 'true') problems.push(`${where}: not scraped`);
  if (annotations['prometheus.io/path'] !== '/metrics') problems.push(`${where}: scrape path`);
  if (Number(annotations['prometheus.io/port']) !== port) {
    problems.push(`${where}: prometheus.io/port ${annotations['prometheus.io/port']} != ${port}`);
  }
  const graceMs = Number(env.SHUTDOWN_GRACE_MS || 10_000) + preStopSeconds(container) * 1000;
  if (!((pod.terminationGracePeriodSeconds ?? 30) * 1000 > graceMs)) {
    problems.push(
      `${where}: terminationGracePeriodSeconds must exceed preStop + SHUTDOWN_GRACE_MS`,
    );
  }
  if (!(pod.securityContext?.runAsNonRoot || container.securityContext?.runAsNonRoot)) {
    problems.push(`${where}: runAsNonRoot not set`);
  }
  if ((container.securityContext?.runAsUser ?? pod.securityContext?.runAsUser) === 0) {
    problems.push(`${where}: runs as uid 0`);
  }
  if (!container.resources?.requests || !container.resources?.limits) {
    problems.push(`${where}: resources.requests and resources.limits must be set`);
  }

  const podLabels = deployment.spec?.template?.metadata?.labels ?? {};
  const selector = deployment.spec?.selector?.matchLabels ?? {};
  if (!Object.entries(selector).every(([k, v]) => podLabels[k] === v)) {
    problems.push(`${where}: selector does not match the pod labels`);
  }
  const service = byKind(docs, 'Service').find((s) => s.metadata?.name === name);
  if (!service) problems.push(`${where}: no Service named ${name}`);
  else {
    const sel = service.spec?.selector ?? {};
    if (!Object.keys(sel).length || !Object.entries(sel).every(([k, v]) => podLabels[k] === v)) {
      problems.push(`${where}: Service selector does not match the pod labels`);
    }
    for (const p of service.spec?.ports ?? []) {
      if (containerPort(container, p.targetPort ?? p.port) !== port) {
        problems.push(`${where}: Service port ${p.port} targets ${p.targetPort}, not ${port}`);
      }
    }
  }

  if (effective) {
    const infraServices = byKind(infra, 'Service');
    for (const ep of endpoints(cls, env)) {
      const target = infraServices.find((s) => s.metadata?.name === ep.host);
      if (!target) {
        problems.push(`${where}: ${ep.kind} host ${ep.host} is not an infrastructure Service`);
        continue;
      }
      if (!(target.spec?.ports ?? []).some((p: Doc) => p.port === ep.port)) {
        problems.push(`${where}: Service ${ep.host} has no port ${ep.port}`);
      }
      if (ep.kind === 'kafka') {
        const brokerEnv = byKind(infra, 'StatefulSet')
          .concat(byKind(infra, 'Deployment'))
          .flatMap((w) => w.spec?.template?.spec?.containers ?? [])
          .flatMap((c: Doc) => c.env ?? [])
          .find((e: Doc) => e.name === 'KAFKA_ADVERTISED_LISTENERS');
        if (!String(brokerEnv?.value ?? '').includes(`//${ep.host}:${ep.port}`)) {
          problems.push(`${where}: ${ep.host}:${ep.port} is not an advertised Kafka listener`);
        }
      }
    }
  }
  return problems;
}

/** Files a kustomization references (resources, patches, generators), resolved to paths. */
function kustomizationRefs(file: string, doc: Doc): { files: string[]; missing: string[] } {
  const dir = dirname(join(K8S, file));
  const files: string[] = [];
  const missing: string[] = [];
  const add = (ref: string) => {
    const full = resolve(dir, ref);
    if (!existsSync(full)) missing.push(`${file}: ${ref} does not exist`);
    else if (statSync(full).isDirectory()) {
      if (!existsSync(join(full, 'kustomization.yaml'))) {
        missing.push(`${file}: ${ref} has no kustomization.yaml`);
      }
    } else files.push(relative(K8S, full));
  };
  for (const ref of doc.resources ?? []) add(ref);
  for (const patch of doc.patches ?? []) if (patch.path) add(patch.path);
  for (const ref of doc.patchesStrategicMerge ?? []) add(ref);
  for (const gen of [...(doc.configMapGenerator ?? []), ...(doc.secretGenerator ?? [])]) {
    for (const f of [...(gen.files ?? []), ...(gen.envs ?? [])]) add(String(f).split('=').pop()!);
  }
  return { files, missing };
}

// --- the repository's files -------------------------------------------------------------------

describe('deployment manifests', () => {
  const compose = parse(read('docker-compose.yml'), { merge: true });
  const k8s = loadK8sFiles(K8S);
  const docsUnder = (prefix: string) =>
    k8s.filter((f) => f.path.startsWith(prefix)).flatMap((f) => f.docs);
  const infra = docsUnder('base/infrastructure/');
  const kustomizations = k8s.filter((f) => /(^|\/)kustomization\.ya?ml$/.test(f.path));

  it('knows the six services and which variables are required', () => {
    expect([...SERVICE_NAMES].sort()).toEqual(Object.keys(CONFIG_CLASSES).sort());
    expect(requiredKeys(GatewayConfig)).toEqual(['AUTH_JWT_SECRET']);
    expect(requiredKeys(MembersConfig)).toEqual([
      'HTTP_PORT',
      'MEMBERS_ACTIVE_KEY_ID',
      'MEMBERS_BLIND_INDEX_KEY',
      'MEMBERS_DATA_KEYS',
    ]);
    expect(configKeys(MembersConfig)).toContain('KAFKA_BROKERS');
    expect(configKeys(GatewayConfig)).not.toContain('KAFKA_BROKERS');
  });

  describe('docker-compose.yml', () => {
    it.each(SERVICE_NAMES)('%s: env, ports, healthcheck, dependencies and hosts', (name) => {
      const problems = checkComposeService(
        compose,
        name,
        CONFIG_CLASSES[name],
        SERVICES_JSON[name].port,
      );
      expect(problems).toEqual([]);
    });

    it('has the infrastructure with healthchecks, and every depends_on exists', () => {
      const services = compose.services;
      for (const infraName of ['nats', 'kafka', 'mongo']) {
        expect(services[infraName]?.healthcheck?.test).toBeDefined();
      }
      expect(services.nats.image).toMatch(/^nats:2\.11/);
      expect(services.kafka.image).toBe('apache/kafka:3.9.1');
      expect(services.mongo.image).toBe('mongo:7');
      const kafka = composeEnv(services.kafka);
      expect(kafka.KAFKA_PROCESS_ROLES).toBe('broker,controller');
      expect(kafka.KAFKA_CONTROLLER_QUORUM_VOTERS).toBe(`${kafka.KAFKA_NODE_ID}@kafka:9093`);
      expect(kafka.KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR).toBe('1');
      for (const [name, service] of Object.entries<Doc>(services)) {
        for (const dep of dependsOn(service))
          expect([name, dep, !!services[dep]]).toEqual([name, dep, true]);
      }
      expect(services.gateway.ports).toEqual(['3000:3000']);
    });
  });

  describe('Dockerfile', () => {
    const dockerfile = read('Dockerfile');

    it('builds every workspace on Node 22 and runs as non-root', () => {
      expect(dockerfile).toMatch(/node:22-bookworm-slim/);
      expect(dockerfile).toMatch(/npm ci(?! --omit)/);
      expect(dockerfile).toMatch(/npm run build/);
      expect(dockerfile).toMatch(/npm ci --omit=dev|npm prune --omit=dev/);
      expect(dockerfile).toMatch(/^ARG SERVICE/m);
      expect(dockerfile).toMatch(/^ENV SERVICE=\$\{?SERVICE\}?/m);
      expect(dockerfile).toMatch(/services\/\$\{?SERVICE[^/]*\/dist\/main\.js/);
      const user = [...dockerfile.matchAll(/^USER\s+(\S+)/gm)].pop()?.[1];
      expect(user).toBeDefined();
      expect(user).not.toMatch(/^(root|0)(:|$)/);
      for (const group of ['libs', 'services']) {
        for (const pkg of readdirSync(join(ROOT, group))) {
          if (!existsSync(join(ROOT, group, pkg, 'package.json'))) continue;
          expect(dockerfile).toContain(`COPY ${group}/${pkg}/package.json ${group}/${pkg}/`);
        }
      }
      const ignore = read('.dockerignore');
      expect(ignore).toMatch(/node_modules/);
      expect(ignore).toMatch(/dist/);
    });
  });

  describe('deploy/k8s', () => {
    it.each(SERVICE_NAMES)('%s: env, ports, probes, scraping and shutdown', (name) => {
      const docs = docsUnder(`base/${name}/`);
      expect(byKind(docs, 'ConfigMap')).toHaveLength(1);
      expect(
        checkK8sService(docs, name, CONFIG_CLASSES[name], SERVICES_JSON[name].port, infra),
      ).toEqual([]);
    });

    it('overlay ConfigMap patches only set known variables, with valid results', () => {
      const problems: string[] = [];
      for (const file of k8s) {
        for (const cm of byKind(file.docs, 'ConfigMap')) {
          const service = SERVICE_NAMES.find((n) => cm.metadata?.name === `${n}-config`);
          if (!service) {
            problems.push(`${file.path}: ConfigMap ${cm.metadata?.name} belongs to no service`);
            continue;
          }
          const base = byKind(docsUnder(`base/${service}/`), 'ConfigMap')[0];
          const env = { ...stringValues(base?.data), ...stringValues(cm.data) };
          for (const name of SECRET_VARIABLES[service] ?? []) env[name] = secretPlaceholder(name);
          problems.push(...envProblems(file.path, CONFIG_CLASSES[service], env));
          if (Number(env.HTTP_PORT) !== SERVICES_JSON[service].port) {
            problems.push(`${file.path}: HTTP_PORT ${env.HTTP_PORT} for ${service}`);
          }
        }
      }
      expect(problems).toEqual([]);
    });

    it('lists every folder in kustomizations, and every file is referenced', () => {
      const referenced = new Set<string>();
      const missing: string[] = [];
      for (const k of kustomizations) {
        const refs = kustomizationRefs(k.path, k.docs[0]);
        refs.files.forEach((f) => referenced.add(f));
        missing.push(...refs.missing);
      }
      expect(missing).toEqual([]);
      const orphans = k8s
        .filter((f) => !kustomizations.includes(f) && !referenced.has(f.path))
        .map((f) => f.path);
      expect(orphans).toEqual([]);
      const base = kustomizations.find((k) => k.path === 'base/kustomization.yaml')!.docs[0];
      expect([...base.resources].sort()).toEqual([...SERVICE_NAMES].sort());
    });

    it('has single-replica NATS, Kafka (KRaft) and MongoDB in base/infrastructure', () => {
      const names = (kind: string) => byKind(infra, kind).map((d) => d.metadata.name);
      expect(names('Service').sort()).toEqual(['kafka', 'mongo', 'nats']);
      expect(names('StatefulSet').sort()).toEqual(['kafka', 'mongo']);
      expect(names('Deployment')).toEqual(['nats']);
      const kafka = byKind(infra, 'StatefulSet').find((s) => s.metadata.name === 'kafka');
      const kafkaEnv = Object.fromEntries(
        kafka.spec.template.spec.containers[0].env.map((e: Doc) => [e.name, e.value]),
      );
      expect(kafkaEnv.KAFKA_PROCESS_ROLES).toBe('broker,controller');
      // The image maps every KAFKA_* variable to a property: service links would inject some.
      expect(kafka.spec.template.spec.enableServiceLinks).toBe(false);
    });

    it('rolls single-writer services out one pod at a time: Recreate, 1 replica, no HPA', () => {
      const singleWriters = singleWriterServices(ROOT, SERVICE_NAMES);
      expect(singleWriters.sort()).toEqual(['loyalty', 'members']);
      const problems: string[] = [];
      for (const name of singleWriters) {
        const deployment = byKind(docsUnder(`base/${name}/`), 'Deployment')[0];
        problems.push(...deploymentRolloutProblems(name, deployment));
      }
      problems.push(
        ...autoscalerProblems(
          singleWriters,
          k8s.flatMap((f) => f.docs),
        ),
      );
      for (const k of kustomizations) {
        const dir = dirname(k.path);
        const patchDocs = (k.docs[0].patches ?? [])
          .filter((p: Doc) => p.path)
          .flatMap((p: Doc) => k8s.find((f) => f.path === join(dir, p.path))?.docs ?? []);
        problems.push(...overlayProblems(singleWriters, k.path, k.docs[0], patchDocs));
      }
      problems.push(...composeProblems(singleWriters, compose));
      expect(problems).toEqual([]);
      // The gateway keeps rolling updates and may scale.
      const gateway = byKind(docsUnder('base/gateway/'), 'Deployment')[0];
      expect(gateway.spec.strategy.type).toBe('RollingUpdate');
    });

    it('keeps the JWT secret out of the repository and pins images in the overlays', () => {
      const all = k8s.flatMap((f) => f.docs);
      expect(byKind(all, 'Secret')).toEqual([]);
      const overlay = (name: string) =>
        kustomizations.find((k) => k.path === `overlays/${name}/kustomization.yaml`)?.docs[0];
      const dev = overlay('dev');
      const prod = overlay('prod');
      const devSecret = dev.secretGenerator?.find((g: Doc) => g.name === 'gateway-auth');
      const literal = devSecret?.literals?.find((l: string) => l.startsWith('AUTH_JWT_SECRET='));
      expect(literal?.slice('AUTH_JWT_SECRET='.length).length).toBeGreaterThanOrEqual(32);
      expect(prod.secretGenerator ?? []).toEqual([]);
      expect(dev.resources).toEqual(
        expect.arrayContaining(['../../base', '../../base/infrastructure']),
      );
      expect(prod.resources).toContain('../../base');

      const images = new Set(
        byKind(docsUnder('base/'), 'Deployment')
          .filter((d) => SERVICE_NAMES.includes(d.metadata.name))
          .flatMap((d) => d.spec.template.spec.containers.map((c: Doc) => c.image)),
      );
      expect([...images]).toEqual(['pharmacy-crm']);
      for (const o of [dev, prod]) {
        const image = o.images?.find((i: Doc) => i.name === 'pharmacy-crm');
        expect(image?.newTag).toBeTruthy();
      }
    });
  });
});

// --- the checkers can fail ---------------------------------------------------------------------

describe('deployment checkers on bad fixtures', () => {
  it('reports a single-writer service rolled out with overlap, scaled or autoscaled', () => {
    const rolling = parse(`
spec:
  replicas: 2
  strategy: { type: RollingUpdate, rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } }
`);
    expect(deploymentRolloutProblems('loyalty', rolling)).toEqual([
      'deployment loyalty: replicas must be 1, not 2',
      'deployment loyalty: strategy must be Recreate, not RollingUpdate',
      'deployment loyalty: Recreate takes no rollingUpdate',
    ]);
    expect(
      deploymentRolloutProblems('loyalty', {
        spec: { replicas: 1, strategy: { type: 'Recreate' } },
      }),
    ).toEqual([]);
    const hpa = {
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'loyalty' },
      spec: { scaleTargetRef: { kind: 'Deployment', name: 'loyalty' } },
    };
    expect(autoscalerProblems(['loyalty'], [hpa])).toEqual([
      'HorizontalPodAutoscaler loyalty scales loyalty',
    ]);
    const overlay = {
      patches: [
        {
          target: { kind: 'Deployment', name: 'members' },
          patch: '- op: replace\n  path: /spec/replicas\n  value: 3',
        },
        {
          target: { kind: 'Deployment', name: 'gateway' },
          patch: '- op: replace\n  path: /spec/replicas\n  value: 2',
        },
      ],
    };
    const merge = { kind: 'Deployment', metadata: { name: 'loyalty' }, spec: { replicas: 2 } };
    expect(
      overlayProblems(['members', 'loyalty'], 'overlays/prod/kustomization.yaml', overlay, [merge]),
    ).toEqual([
      'overlays/prod/kustomization.yaml: patches /spec/replicas of members',
      'overlays/prod/kustomization.yaml: patches the rollout of loyalty',
    ]);
    expect(
      composeProblems(['members', 'loyalty'], {
        services: { members: { deploy: { replicas: 2 } }, loyalty: { scale: 1 } },
      }),
    ).toEqual(['compose members: 2 replicas, must be 1']);
  });

  const badCompose = parse(`
services:
  kafka:
    image: apache/kafka:3.9.1
    environment:
      KAFKA_ADVERTISED_LISTENERS: PLAINTEXT://localhost:9092
  members:
    build: { context: ., args: { SERVICE: loyalty } }
    environment:
      MONGO_URI: mongodb://mongo:27017
      KAFKA_BROKERS: kafka:9092
      NATS_URL: nats://nats:4222
      MONGO_DB: crm_members
    depends_on: [kafka, postgres]
    healthcheck:
      test: ['CMD', 'node', '-e', "fetch('http://127.0.0.1:3000/health/ready')"]
`);

  it('reports unknown and missing variables, wrong ports, hosts and dependencies (compose)', () => {
    const problems = checkComposeService(badCompose, 'members', LoyaltyConfig, 3001);
    expect(problems).toEqual(
      expect.arrayContaining([
        'compose members: unknown variable MONGO_URI (not read by LoyaltyConfig)',
        'compose members: missing required HTTP_PORT',
        'compose members: build.args.SERVICE must be members',
        'compose members: healthcheck must query 127.0.0.1:3001/health/ready',
        'compose members: stop_grace_period must exceed SHUTDOWN_GRACE_MS (10000 ms)',
        'compose members: depends_on unknown service postgres',
      ]),
    );
    // With the environment fixed, the host checks run: nats and mongo are not services here,
    // and kafka does not advertise kafka:9092.
    const fixed = structuredClone(badCompose);
    delete fixed.services.members.environment.MONGO_URI;
    fixed.services.members.environment.HTTP_PORT = '3001';
    fixed.services.members.environment.MONGO_URL = 'mongodb://db:27017';
    const hostProblems = checkComposeService(fixed, 'members', LoyaltyConfig, 3001);
    expect(hostProblems).toEqual(
      expect.arrayContaining([
        'compose members: nats host nats is not a compose service',
        'compose members: mongo host db is not a compose service',
        'compose members: kafka:9092 is not an advertised Kafka listener',
      ]),
    );
    expect(checkComposeService(badCompose, 'gateway', GatewayConfig, 3000)).toEqual([
      'compose: no service gateway',
    ]);
  });

  it('requires the gateway secret and rejects domain variables on the gateway', () => {
    const problems = envProblems('x', GatewayConfig, {
      HTTP_PORT: '3000',
      MONGO_URL: 'mongodb://m',
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        'x: unknown variable MONGO_URL (not read by GatewayConfig)',
        'x: missing required AUTH_JWT_SECRET',
      ]),
    );
    expect(envProblems('x', LoyaltyConfig, { HTTP_PORT: '3001', KAFKA_BROKERS: 'nohost' })).toEqual(
      [expect.stringMatching(/^x: invalid KAFKA_BROKERS/)],
    );
  });

  it('reports mismatched ports, probes, annotations and grace periods (k8s)', () => {
    const docs = parseAllDocuments(`
apiVersion: v1
kind: ConfigMap
metadata: { name: members-config }
data: { HTTP_PORT: '3009', SHUTDOWN_GRACE_MS: '40000', NATS_URL: 'nats://queue:4222', LOG_FORMAT: json }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: members }
spec:
  selector: { matchLabels: { app: members } }
  template:
    metadata:
      labels: { app: members }
      annotations: { prometheus.io/scrape: 'true', prometheus.io/port: '3009', prometheus.io/path: /metrics }
    spec:
      terminationGracePeriodSeconds: 30
      containers:
        - name: members
          image: pharmacy-crm
          command: [node, services/loyalty/dist/main.js]
          ports: [{ name: http, containerPort: 3009 }]
          envFrom: [{ configMapRef: { name: members-config } }]
          livenessProbe: { httpGet: { path: /health/live, port: http } }
          readinessProbe: { httpGet: { path: /health, port: http } }
---
apiVersion: v1
kind: Service
metadata: { name: members }
spec:
  selector: { app: other }
  ports: [{ port: 3001, targetPort: 3001 }]
`).map((d) => d.toJS());
    const problems = checkK8sService(docs, 'members', LoyaltyConfig, 3001, []);
    expect(problems).toEqual(
      expect.arrayContaining([
        'k8s members: unknown variable LOG_FORMAT (not read by LoyaltyConfig)',
        'k8s members: HTTP_PORT 3009 != 3001 (config/services.json)',
        'k8s members: command must run services/members/dist/main.js',
        'k8s members: no containerPort 3001',
        'k8s members: livenessProbe port http is not 3001',
        'k8s members: readinessProbe must GET /health/ready',
        'k8s members: prometheus.io/port 3009 != 3001',
        'k8s members: terminationGracePeriodSeconds must exceed preStop + SHUTDOWN_GRACE_MS',
        'k8s members: runAsNonRoot not set',
        'k8s members: resources.requests and resources.limits must be set',
        'k8s members: Service selector does not match the pod labels',
      ]),
    );
  });

  it('reports infrastructure hosts that no Service provides (k8s)', () => {
    const [cm, deployment] = parseAllDocuments(`
kind: ConfigMap
metadata: { name: members-config }
data: { HTTP_PORT: '3001', NATS_URL: 'nats://queue:4222', KAFKA_BROKERS: 'kafka:9094' }
---
kind: Deployment
metadata: { name: members }
spec:
  template:
    spec:
      containers:
        - name: members
          envFrom: [{ configMapRef: { name: members-config } }]
`).map((d) => d.toJS());
    const infraDocs = parseAllDocuments(`
kind: Service
metadata: { name: kafka }
spec: { ports: [{ port: 9092 }] }
`).map((d) => d.toJS());
    const problems = checkK8sService([cm, deployment], 'members', LoyaltyConfig, 3001, infraDocs);
    expect(problems).toEqual(
      expect.arrayContaining([
        'k8s members: nats host queue is not an infrastructure Service',
        'k8s members: Service kafka has no port 9094',
        'k8s members: mongo host 127.0.0.1 is not an infrastructure Service',
      ]),
    );
  });

  it('parses compose interpolation and durations', () => {
    expect(interpolate('${A:-x}-${B-y}-${C}-$$')).toBe('x-y--$');
    expect(durationMs('1m30s')).toBe(90_000);
    expect(durationMs(undefined)).toBe(10_000);
  });
});
