import { plainToInstance } from 'class-transformer';
import { getMetadataStorage, validateSync, ValidationError } from 'class-validator';

type Constructor<T> = new () => T;

/** Raised at start-up with every bad variable listed, so one restart fixes them all. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Reads and validates a service's environment into one typed object. Values are converted
 * from strings by their declared types; unknown variables are ignored (the environment is
 * shared with the OS), missing or malformed ones are reported by name.
 */
export function loadConfig<T extends object>(
  cls: Constructor<T>,
  env: NodeJS.ProcessEnv = process.env,
): T {
  const keys = configKeys(cls);
  const picked: Record<string, string> = {};
  for (const key of keys) {
    const value = env[key];
    if (value !== undefined && value !== '') picked[key] = value;
  }
  const config = plainToInstance(cls, picked, {
    enableImplicitConversion: true,
    exposeDefaultValues: true,
  });
  const errors = validateSync(config, { skipMissingProperties: false });
  if (errors.length > 0) throw new ConfigError(errors.map(describe));
  return config;
}

/** Names of the environment variables a config class reads (used by the compose/k8s checks). */
export function configKeys(cls: Constructor<object>): string[] {
  const metadata = getMetadataStorage().getTargetValidationMetadatas(cls, '', true, false);
  return [...new Set(metadata.map((m) => m.propertyName))].sort();
}

function describe(error: ValidationError): string {
  const reasons = Object.values(error.constraints ?? {}).join('; ');
  const shown = error.value === undefined ? 'not set' : `got "${String(error.value)}"`;
  return `${error.property} (${shown}): ${reasons}`;
}
