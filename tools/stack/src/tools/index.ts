import type { ToolName } from '../config.js';
import type { StackOptions } from '../context.js';
import { stackContext } from '../context.js';
import { ensureExecutable } from '../process/ensure-executable.js';
import { ensureChromium } from './chromium.js';
import { ensureComposeTool } from './compose.js';
import { sparkPython } from './spark.js';

/** Makes a tool available (installing it on first use where it may); returns what was found. */
export async function ensureTool(name: ToolName, options: StackOptions = {}): Promise<string> {
  switch (name) {
    case 'chromium': {
      const chromium = await ensureChromium(options);
      return `${chromium.path} (${chromium.version})`;
    }
    case 'compose': {
      const compose = await ensureComposeTool(options);
      return `${[compose.command, ...compose.args].join(' ')} (${compose.version})`;
    }
    case 'spark':
      return (await sparkPython(options)).python;
    case 'java':
    case 'mvn':
      return ensureExecutable(name, name, stackContext(options));
  }
}
