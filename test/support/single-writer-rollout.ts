/**
 * The rollout rule for single-writer services (README, "Replicas"): one pod, replaced by
 * `Recreate` (the old pod is gone before the new one starts), never scaled by an HPA or an
 * overlay, and one container in docker compose. The writer lease enforces the same in the
 * process; these checks keep the manifests from asking for what the process would refuse.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

/* eslint-disable @typescript-eslint/no-explicit-any -- parsed YAML is untyped by nature */
type Doc = any;

/** Services whose process takes the writer lease (`singleWriter: true` in their main.ts). */
export function singleWriterServices(root: string, services: string[]): string[] {
  return services.filter((name) => {
    const main = join(root, 'services', name, 'src', 'main.ts');
    return existsSync(main) && /singleWriter:\s*true/.test(readFileSync(main, 'utf8'));
  });
}

/** Problems with how a base Deployment of a single-writer service rolls out. */
export function deploymentRolloutProblems(name: string, deployment: Doc): string[] {
  const where = `deployment ${name}`;
  const problems: string[] = [];
  if (deployment?.spec?.replicas !== 1)
    problems.push(`${where}: replicas must be 1, not ${deployment?.spec?.replicas}`);
  const strategy = deployment?.spec?.strategy;
  if (strategy?.type !== 'Recreate')
    problems.push(`${where}: strategy must be Recreate, not ${strategy?.type ?? 'the default'}`);
  if (strategy?.rollingUpdate) problems.push(`${where}: Recreate takes no rollingUpdate`);
  return problems;
}

/** HorizontalPodAutoscalers that would scale a single-writer service. */
export function autoscalerProblems(singleWriters: string[], docs: Doc[]): string[] {
  return docs
    .filter((d) => d?.kind === 'HorizontalPodAutoscaler')
    .filter((d) => singleWriters.includes(d.spec?.scaleTargetRef?.name))
    .map((d) => `HorizontalPodAutoscaler ${d.metadata?.name} scales ${d.spec.scaleTargetRef.name}`);
}

/**
 * Kustomization patches that change a single-writer Deployment's replicas or strategy: JSON
 * patches inline (`target` + `patch`) and strategic-merge patch documents (`patchDocs`).
 */
export function overlayProblems(
  singleWriters: string[],
  file: string,
  kustomization: Doc,
  patchDocs: Doc[],
): string[] {
  const problems: string[] = [];
  for (const patch of kustomization?.patches ?? []) {
    if (typeof patch.patch !== 'string' || !singleWriters.includes(patch.target?.name)) continue;
    const ops = parse(patch.patch);
    for (const op of Array.isArray(ops) ? ops : [])
      if (/^\/spec\/(replicas|strategy)/.test(op.path ?? ''))
        problems.push(`${file}: patches ${op.path} of ${patch.target.name}`);
    const merged = Array.isArray(ops) ? null : ops;
    if (merged?.spec?.replicas !== undefined || merged?.spec?.strategy !== undefined)
      problems.push(`${file}: patches the rollout of ${patch.target.name}`);
  }
  for (const doc of patchDocs)
    if (doc?.kind === 'Deployment' && singleWriters.includes(doc.metadata?.name))
      if (doc.spec?.replicas !== undefined || doc.spec?.strategy !== undefined)
        problems.push(`${file}: patches the rollout of ${doc.metadata.name}`);
  return problems;
}

/** docker compose: one container of each single-writer service. */
export function composeProblems(singleWriters: string[], compose: Doc): string[] {
  const problems: string[] = [];
  for (const name of singleWriters) {
    const service = compose?.services?.[name];
    const replicas = service?.deploy?.replicas ?? service?.scale ?? 1;
    if (replicas !== 1) problems.push(`compose ${name}: ${replicas} replicas, must be 1`);
  }
  return problems;
}
