// Exit codes shared by the integrator-facing commands: 0 done, 1 the input failed, 2 usage error.
import type { Command, CommanderError } from 'commander';

export function usage(msg: string): never {
  process.stderr.write(`error: ${msg}\n`);
  process.exit(2);
}

/** Help and --version exit 0; any other command-line error exits 2 (not commander's 1). */
export function usageExitCodes(cmd: Command): Command {
  return cmd.exitOverride((err: CommanderError) => {
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') process.exit(0);
    process.exit(2);
  });
}
