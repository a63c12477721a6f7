#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { CHECKS } from '../checks/index.ts';
import { ConfigError } from '../config/config.ts';
import { type Command, HELP, parseCommand, UsageError } from './args.ts';
import { runScan, type ScanStreams, ScanUnreadableError } from './scan.ts';

export const EXIT = { ok: 0, findings: 1, usage: 2, unreadable: 3, internal: 4 } as const;

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

function listChecks(json: boolean): string {
  if (json) {
    return JSON.stringify(
      CHECKS.map(({ id, title, severity, responsibility, frameworks, reads }) => ({
        id,
        title,
        severity,
        responsibility,
        frameworks,
        reads,
      })),
      null,
      2,
    );
  }
  const width = Math.max(...CHECKS.map((c) => c.id.length));
  return CHECKS.map(
    (c) =>
      `${c.id.padEnd(width)}  ${c.severity.padEnd(8)}  ${c.responsibility.padEnd(8)}  ${c.title}  [${c.frameworks
        .map((f) => `${f.framework} ${f.requirement}`)
        .join(', ')}]`,
  ).join('\n');
}

export async function main(argv: readonly string[], streams: ScanStreams = process): Promise<number> {
  let command: Command;
  try {
    command = parseCommand(argv);
  } catch (error) {
    if (error instanceof UsageError) {
      streams.stderr.write(`watchkeeper: ${error.message}\n`);
      return EXIT.usage;
    }
    throw error;
  }
  switch (command.command) {
    case 'help':
      streams.stdout.write(HELP);
      return EXIT.ok;
    case 'version':
      streams.stdout.write(`watchkeeper ${version()}\n`);
      return EXIT.ok;
    case 'checks':
      streams.stdout.write(`${listChecks(command.json)}\n`);
      return EXIT.ok;
    case 'scan':
      try {
        const outcome = await runScan(command.options, streams);
        return outcome.thresholdFailed ? EXIT.findings : EXIT.ok;
      } catch (error) {
        if (error instanceof UsageError || error instanceof ConfigError) {
          streams.stderr.write(`watchkeeper: ${error.message}\n`);
          return EXIT.usage;
        }
        if (error instanceof ScanUnreadableError) {
          streams.stderr.write(`watchkeeper: ${error.message}\n`);
          return EXIT.unreadable;
        }
        throw error;
      }
  }
}

if (import.meta.main) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(
        `watchkeeper: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
      process.exitCode = EXIT.internal;
    },
  );
}
