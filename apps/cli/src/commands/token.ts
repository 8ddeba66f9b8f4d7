import { createToken } from '@media-sync/sync-server';
import { type Command, InvalidArgumentError } from 'commander';

/** `media-sync token --secret S --user U --device D [--ttl 1d]`: prints a gateway token. */
export function registerTokenCommand(program: Command): void {
  program
    .command('token')
    .description('print a signed gateway token for one device of one user')
    .requiredOption('--secret <secret>', 'the gateway secret (or MEDIA_SYNC_SECRET)', process.env.MEDIA_SYNC_SECRET)
    .requiredOption('--user <userId>', 'the user the token grants')
    .requiredOption('--device <deviceId>', 'the device the token grants')
    .option('--ttl <duration>', 'lifetime: milliseconds or a number with s, m, h or d', parseDuration, 24 * 3_600_000)
    .action((options: { secret: string; user: string; device: string; ttl: number }) => {
      const token = createToken({
        secret: options.secret,
        userId: options.user,
        deviceId: options.device,
        ttlMs: options.ttl,
      });
      process.stdout.write(`${token}\n`);
    });
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `90s` → 90 000; `15m`, `12h`, `7d`; a bare number is milliseconds. */
export function parseDuration(text: string): number {
  const match = /^(\d+)(ms|s|m|h|d)?$/.exec(text.trim());
  const value = match ? Number(match[1]) * (UNITS[match[2] ?? 'ms'] ?? 1) : Number.NaN;
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new InvalidArgumentError(
      `expected a positive duration like 90s, 15m, 12h or 7d, got ${JSON.stringify(text)}`,
    );
  }
  return value;
}
