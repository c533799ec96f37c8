// The `oncofhir` command line.
import { Command } from 'commander';
import { serveCommand } from './serve.js';
import { importCommand } from './import.js';
import { validateCommand } from './validate.js';
import { auditCommand } from './audit.js';
import { tokenCommand } from './token.js';
import { retentionCommand } from './retention.js';
import { convertCommand } from './convert.js';
import { sendHl7Command } from './send-hl7.js';
import { outboxCommand } from './outbox.js';
import { linkCommand } from './link.js';
import { indicatorsCommand } from './indicators.js';

const program = new Command();
program.name('oncofhir').description('FHIR R4 server and interoperability layer for French cancer documents').version('0.1.0');
program.addCommand(serveCommand());
program.addCommand(importCommand());
program.addCommand(validateCommand());
program.addCommand(auditCommand());
program.addCommand(tokenCommand());
program.addCommand(retentionCommand());
program.addCommand(convertCommand());
program.addCommand(sendHl7Command());
program.addCommand(outboxCommand());
program.addCommand(linkCommand());
program.addCommand(indicatorsCommand());
program.showHelpAfterError();
await program.parseAsync(process.argv);
