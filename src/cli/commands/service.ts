/**
 * `parley service`: running the daemon with the user's session (see ../service.ts).
 */
import { out } from '../command.js'
import type { Commands } from '../command.js'

export const serviceCommands: Commands = {
  'service install': {
    summary: 'run parley daemon with your session (a per-user systemd unit)',
    usage: 'parley service install [--data DIR]',
    options: {},
    run: async ({ dataDir }) => {
      const { installService } = await import('../service.js')
      const { fileURLToPath } = await import('node:url')
      const bin = fileURLToPath(new URL('../../../bin/parley', import.meta.url))
      for (const line of await installService(bin, dataDir)) out(line)
      return 0
    }
  },
  'service uninstall': {
    summary: 'stop running parley with your session and remove the unit',
    usage: 'parley service uninstall',
    options: {},
    run: async () => {
      const { uninstallService } = await import('../service.js')
      for (const line of await uninstallService()) out(line)
      return 0
    }
  },
  'service status': {
    summary: 'whether parley runs with your session',
    usage: 'parley service status',
    options: {},
    run: async () => {
      const { serviceStatus } = await import('../service.js')
      for (const line of await serviceStatus()) out(line)
      return 0
    }
  }
}
