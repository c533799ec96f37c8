// The `oncofhir` command line.
import { Command } from 'commander';
import { serveCommand } from './serve.js';
import { importCommand } from './import.js';
import { validateCommand } from './validate.js';
import { tokenCommand } from './token.js';

const program = new Command();
program.name('oncofhir').description('FHIR R4 server and interoperability layer for French cancer documents').version('0.1.0');
program.addCommand(serveCommand());
program.addCommand(importCommand());
program.addCommand(validateCommand());
program.addCommand(tokenCommand());
program.showHelpAfterError();
await program.parseAsync(process.argv);
