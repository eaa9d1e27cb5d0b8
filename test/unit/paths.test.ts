import { homedir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { defaultConfigPath, defaultDataDir, identityKeyPathOf, logDirOf, socketPathOf, unitPath } from '../../src/paths.js'

describe('paths: where things are in a data dir', () => {
  it('keeps the layout every existing data dir has', () => {
    expect(logDirOf('/d')).toBe('/d/log')
    expect(socketPathOf('/d')).toBe('/d/control.sock')
    expect(identityKeyPathOf('/d')).toBe('/d/identity.key')
  })

  it('finds the data dir in $PARLEY_DATA, else $XDG_DATA_HOME, else ~/.local/share', () => {
    expect(defaultDataDir({ PARLEY_DATA: '/srv/p' })).toBe('/srv/p')
    expect(defaultDataDir({ XDG_DATA_HOME: '/x' })).toBe('/x/parley')
    expect(defaultDataDir({ PARLEY_DATA: '', XDG_DATA_HOME: '' })).toBe(join(homedir(), '.local', 'share', 'parley'))
  })

  it('finds the config file and the systemd unit in $XDG_CONFIG_HOME, else ~/.config; $PARLEY_CONFIG wins for the config', () => {
    expect(defaultConfigPath({ PARLEY_CONFIG: '/etc/p.conf' })).toBe('/etc/p.conf')
    expect(defaultConfigPath({ XDG_CONFIG_HOME: '/c' })).toBe('/c/parley/config')
    expect(defaultConfigPath({})).toBe(join(homedir(), '.config', 'parley', 'config'))
    expect(unitPath({ XDG_CONFIG_HOME: '/c' })).toBe('/c/systemd/user/parley.service')
  })
})
