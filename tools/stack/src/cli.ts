import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { ServiceName, ToolName } from './config.js';
import { defaultInstalls, defaultServices, isServiceName, isToolName, serviceNames, stackConfig, toolNames } from './config.js';
import { StackError, isStackError } from './errors.js';
import { tailFile } from './process/tail-file.js';
import { stackPaths } from './paths.js';
import { renderEnv } from './render-env.js';
import { sparkPython } from './tools/spark.js';
import { airflowCli, kafkaTool, stackDown, stackEnv, stackInstall, stackLogFiles, stackReset, stackStatus, stackUp } from './stack.js';

// Node 20 is this repository's baseline; the SDK's notice about it is not the stack's business.
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';

const help = `Usage: npm run stack -- <command> [service…] [options]

Runs the real services shoplens needs on 127.0.0.1, each on its own port, with its
data under .stack/ and its downloads under .cache/ (both git-ignored).

Commands:
  up [service…]          start services (default: ${defaultServices.join(' ')}; "all" adds airflow),
                         installing what is missing, and wait until each is healthy
  down [service…]        stop what this stack started (default: all)
  install [name…]        install what services and tools need, without starting anything
                         (default: ${defaultInstalls.join(' ')}; names: services or ${toolNames.join(', ')})
  status [--json]        show each service, its pid and endpoint
  env [--json]           print export lines for KAFKA_BROKERS, DATABASE_URL, S3_ENDPOINT, …
                         e.g. eval "$(npm run -s stack -- env)"
  logs [service…] [-n N] [-f]
                         print (or follow) the last N lines of each service's log
  reset [service…]       stop services and delete their data under .stack/
  kafka-class <Main> [args…]
                         run a Kafka Java class on the broker's classpath, e.g.
                         org.apache.kafka.tools.ProducerPerformance --help
  airflow [args…]        run the Airflow CLI with the stack's AIRFLOW_HOME
  spark [args…]          run the Spark engine (python -m shoplens_spark), e.g. spark daily --help

Services:
  kafka     Apache Kafka ${stackConfig.kafka.version}, KRaft, ${stackConfig.host}:${stackConfig.kafka.port}; topics ${stackConfig.kafka.topics.join(', ')}
  postgres  PostgreSQL, ${stackConfig.host}:${stackConfig.postgres.port}, database ${stackConfig.postgres.database}
  s3        S3-compatible server (moto), http://${stackConfig.host}:${stackConfig.s3.port}, bucket ${stackConfig.s3.bucket}
  airflow   Apache Airflow ${stackConfig.airflow.version} CLI in a virtualenv (not started by default)

Tools the tests drive:
  chromium  a Chromium for the dashboard test (CHROMIUM_PATH picks another binary)
  compose   docker compose or docker-compose, to check docker-compose.yml (no engine needed)
  spark     PySpark and the Spark engine's packages in a virtualenv under .cache/spark (java 17+)

Prerequisites: python3 with venv (s3, airflow, spark). Run as root on Debian or Ubuntu, up and
install add what else is missing with apt-get on first use: java 17+ and mvn (kafka),
PostgreSQL, Chromium, a compose tool. Otherwise they fail naming the package to install.
See docs/local-stack.md.`;

function parseServices(args: readonly string[], fallback: readonly ServiceName[]): ServiceName[] {
  if (args.length === 0) return [...fallback];
  if (args.includes('all')) return [...serviceNames];
  const names: ServiceName[] = [];
  for (const arg of args) {
    if (!isServiceName(arg)) {
      throw new StackError('BAD_USAGE', `unknown service "${arg}"; expected one of: ${serviceNames.join(', ')}, all`);
    }
    if (!names.includes(arg)) names.push(arg);
  }
  return names;
}

function parseInstallNames(args: readonly string[]): (ServiceName | ToolName)[] {
  if (args.length === 0) return [...defaultInstalls];
  if (args.includes('all')) return [...serviceNames, ...toolNames];
  const names: (ServiceName | ToolName)[] = [];
  for (const arg of args) {
    if (!isServiceName(arg) && !isToolName(arg)) {
      throw new StackError('BAD_USAGE', `nothing to install called "${arg}"; expected one of: ${[...serviceNames, ...toolNames].join(', ')}, all`);
    }
    if (!names.includes(arg)) names.push(arg);
  }
  return names;
}

function takeFlag(args: string[], flag: string): boolean {
  const at = args.indexOf(flag);
  if (at < 0) return false;
  args.splice(at, 1);
  return true;
}

function takeOption(args: string[], option: string): string | undefined {
  const at = args.indexOf(option);
  if (at < 0) return undefined;
  const value = args[at + 1];
  if (value === undefined) throw new StackError('BAD_USAGE', `${option} needs a value`);
  args.splice(at, 2);
  return value;
}

function exec(command: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { stdio: 'inherit', env });
    child.on('error', reject);
    child.on('close', (code, signal) => resolvePromise(code ?? (signal ? 128 : 1)));
  });
}

async function logs(args: string[]): Promise<number> {
  const follow = takeFlag(args, '-f') || takeFlag(args, '--follow');
  const lines = Number(takeOption(args, '-n') ?? '100');
  const files = stackLogFiles(parseServices(args, serviceNames)).filter((file) => existsSync(file));
  if (files.length === 0) {
    process.stderr.write('no logs yet: start a service with `npm run stack -- up`\n');
    return 0;
  }
  if (follow) return exec('tail', ['-n', String(lines), '-F', ...files]);
  for (const file of files) process.stdout.write(`==> ${file} <==\n${tailFile(file, lines)}\n\n`);
  return 0;
}

async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  const args = [...rest];
  if (command === undefined || command === '--help' || command === '-h' || command === 'help' || args.includes('--help')) {
    if (command !== 'kafka-class' && command !== 'airflow' && command !== 'spark') {
      process.stdout.write(`${help}\n`);
      return command === undefined ? 2 : 0;
    }
  }
  const paths = stackPaths();
  const ctx = { paths, log: (message: string) => process.stderr.write(`[stack] ${message}\n`) };
  switch (command) {
    case 'up': {
      const started = Date.now();
      const reports = await stackUp(parseServices(args, defaultServices));
      const each = reports.map((r) => `${r.service} ${r.seconds.toFixed(1)} s`).join(', ');
      ctx.log(`up in ${((Date.now() - started) / 1000).toFixed(1)} s (${each}); environment in .stack/env.sh`);
      return 0;
    }
    case 'install': {
      for (const report of await stackInstall(parseInstallNames(args))) {
        process.stdout.write(`${report.name.padEnd(9)} ${report.detail}\n`);
      }
      return 0;
    }
    case 'down': {
      const stopped = await stackDown(parseServices(args, serviceNames));
      ctx.log(stopped.length === 0 ? 'nothing was running' : `stopped ${stopped.join(', ')}`);
      return 0;
    }
    case 'reset':
      await stackReset(parseServices(args, serviceNames));
      return 0;
    case 'status': {
      const json = takeFlag(args, '--json');
      const statuses = await stackStatus(parseServices(args, serviceNames));
      if (json) {
        process.stdout.write(`${JSON.stringify(statuses, null, 2)}\n`);
      } else {
        for (const s of statuses) {
          const state = s.running ? 'up' : 'down';
          process.stdout.write(`${s.name.padEnd(9)} ${state.padEnd(5)} ${String(s.pid ?? '-').padEnd(8)} ${(s.endpoint ?? '').padEnd(24)} ${s.detail}\n`);
        }
      }
      return 0;
    }
    case 'env': {
      const vars = stackEnv();
      process.stdout.write(takeFlag(args, '--json') ? `${JSON.stringify(vars, null, 2)}\n` : `${renderEnv(vars)}\n`);
      return 0;
    }
    case 'logs':
      return logs(args);
    case 'kafka-class': {
      const [mainClass, ...classArgs] = args;
      if (mainClass === undefined) throw new StackError('BAD_USAGE', 'kafka-class needs a Java class name, e.g. org.apache.kafka.tools.ProducerPerformance');
      const java = await kafkaTool(mainClass, classArgs, { paths });
      return exec(java.command, java.args);
    }
    case 'airflow': {
      const airflow = await airflowCli({ paths });
      return exec(airflow.command, args, airflow.env);
    }
    case 'spark': {
      const spark = await sparkPython({ paths });
      return exec(spark.python, ['-m', 'shoplens_spark', ...args], spark.env);
    }
    default:
      throw new StackError('BAD_USAGE', `unknown command "${command}"; see npm run stack -- --help`);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (isStackError(error)) {
      process.stderr.write(`[stack] error ${error.code}: ${error.message}\n`);
      process.exitCode = error.code === 'BAD_USAGE' ? 2 : 1;
    } else {
      process.stderr.write(`[stack] unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = 1;
    }
  },
);
