import { ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { REPO_ROOT } from './infra';

export const SERVICES = [
  'gateway',
  'members',
  'loyalty',
  'care-plans',
  'complaints',
  'notifications',
] as const;
export type ServiceName = (typeof SERVICES)[number];

const LOG_DIR = join(REPO_ROOT, '.run', 'test-logs');

/** Distinguishes the log files of several processes of one service in one test process. */
let instances = 0;

export interface StartOptions {
  /** Variables for this start only, e.g. FAILPOINTS to crash it at an exact point. */
  env?: Record<string, string>;
  /** Wait until /health/ready answers 200 (default), or return once spawned. */
  waitReady?: boolean;
  timeoutMs?: number;
}

/** How a process ended: its exit code, or the signal that killed it. */
export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** Children still running: a test or bench that dies takes them with it, not leaves them on. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export function devEnv(): Record<string, string> {
  const text = readFileSync(join(REPO_ROOT, 'config', 'dev.env'), 'utf8');
  return Object.fromEntries(
    text
      .split('\n')
      .filter((line) => /^[A-Z_]+=/.test(line))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1).trim()]),
  );
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/**
 * One service as a real OS process from its build (`npm run build`), so tests can SIGKILL
 * and restart it. Output goes to .run/test-logs/<name>-<n>.log for the test to search.
 */
export class ServiceProcess {
  private child?: ChildProcess;
  private exit?: Promise<Exit>;
  private starts = 0;
  private readonly instance = ++instances;
  readonly logFiles: string[] = [];

  constructor(
    readonly name: ServiceName,
    readonly port: number,
    private readonly env: Record<string, string>,
  ) {}

  static async create(name: ServiceName, env: Record<string, string>): Promise<ServiceProcess> {
    return new ServiceProcess(name, await freePort(), env);
  }

  /** The running process's id (benches read its CPU time from /proc), if it runs. */
  get pid(): number | undefined {
    return this.child && !hasExited(this.child) ? this.child.pid : undefined;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Another process of the same service on the same database, brokers and groups. */
  async sibling(): Promise<ServiceProcess> {
    return ServiceProcess.create(this.name, this.env);
  }

  async start(options: StartOptions = {}): Promise<void> {
    const { env = {}, waitReady = true, timeoutMs = 60000 } = options;
    mkdirSync(LOG_DIR, { recursive: true });
    const logFile = join(
      LOG_DIR,
      `${this.name}-${process.pid}-${this.instance}-${++this.starts}.log`,
    );
    this.logFiles.push(logFile);
    const out = createWriteStream(logFile);
    const child = spawn(
      process.execPath,
      [join(REPO_ROOT, 'services', this.name, 'dist', 'main.js')],
      {
        env: {
          ...process.env,
          ...devEnv(),
          NODE_ENV: 'test',
          ...this.env,
          ...env,
          HTTP_PORT: String(this.port),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    child.stdout!.pipe(out);
    child.stderr!.pipe(out);
    running.add(child);
    child.once('exit', () => running.delete(child));
    this.child = child;
    this.exit = new Promise((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    );
    if (waitReady) await this.waitReady(timeoutMs);
  }

  /** Resolves when the process started last ends (at once if it has). */
  exited(): Promise<Exit> {
    if (!this.exit) throw new Error(`${this.name} was never started`);
    return this.exit;
  }

  /** The HTTP status of /health/ready now (0: not listening). */
  async readiness(): Promise<number> {
    try {
      return (await fetch(`${this.url}/health/ready`)).status;
    } catch {
      return 0;
    }
  }

  async waitReady(timeoutMs = 60000): Promise<void> {
    const logFile = this.logFiles.at(-1)!;
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.child && hasExited(this.child)) {
        const how = this.child.exitCode ?? this.child.signalCode;
        throw new Error(
          `${this.name} exited (${how}) while starting; see ${logFile}:\n${tail(logFile)}`,
        );
      }
      if ((await this.readiness()) === 200) return;
      await sleep(200);
    }
    throw new Error(
      `${this.name} was not ready within ${timeoutMs} ms; see ${logFile}:\n${tail(logFile)}`,
    );
  }

  /** SIGKILL: no drain, no goodbye, as a crash or an OOM kill would do. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.child;
    if (!child || hasExited(child)) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(signal);
    await exited;
  }

  /** SIGTERM, as an orchestrator stops a pod; SIGKILL if it has not drained in time. */
  async stop(graceMs = 20000): Promise<void> {
    const child = this.child;
    if (!child || hasExited(child)) return;
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await this.kill('SIGTERM');
    clearTimeout(timer);
  }

  logs(): string {
    return this.logFiles.map((file) => readFileSync(file, 'utf8')).join('\n');
  }
}

/** A child killed by a signal has a signalCode and no exitCode. */
function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

function tail(file: string): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-15).join('\n');
  } catch {
    return '(no log)';
  }
}
