/**
 * The admins' commands on people: another admin, offboarding.
 */
import { peerIdArg, printMembers, withClient } from '../command.js'
import type { Commands } from '../command.js'

export const adminCommands: Commands = {
  'admin add-admin': {
    summary: 'make a member an admin too (admins)',
    usage: 'parley admin add-admin PEER_ID',
    options: { json: { type: 'boolean' } },
    run: async ({ dataDir, values, positionals }) => {
      const peer = await peerIdArg(positionals[0])
      printMembers(await withClient(dataDir, async c => c.request('admin.add-admin', { peer })), values.json === true)
      return 0
    }
  },
  'admin remove': {
    summary: 'offboard someone: out of the org and every team, keys rotated, connections refused (admins)',
    usage: 'parley admin remove PEER_ID',
    options: { json: { type: 'boolean' } },
    run: async ({ dataDir, values, positionals }) => {
      const peer = await peerIdArg(positionals[0])
      printMembers(await withClient(dataDir, async c => c.request('admin.remove', { peer })), values.json === true)
      return 0
    }
  }
}
