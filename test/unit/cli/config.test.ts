import { describe, expect, it } from 'vitest'
import { defaultConfigPath, parseConfig } from '../../../src/cli/config.js'
import { InvalidArgumentError } from '../../../src/errors.js'

describe('cli/config', () => {
  it('reads settings, lists and comments', () => {
    expect(parseConfig([
      '# parley settings',
      'listen = /ip4/0.0.0.0/tcp/7800',
      'peer = /ip4/10.1.0.5/tcp/7717   # the other floor',
      'peer = "/ip4/10.1.0.6/tcp/7717"',
      'mdns = false',
      'name = Bea Jones',
      ''
    ].join('\n'), 'cfg')).toEqual({ listen: ['/ip4/0.0.0.0/tcp/7800'], peer: ['/ip4/10.1.0.5/tcp/7717', '/ip4/10.1.0.6/tcp/7717'], mdns: false, name: 'Bea Jones' })
  })

  it('names the file and line of a bad setting', () => {
    expect(() => parseConfig('name = x\nmdns = maybe', '/etc/p')).toThrow(new InvalidArgumentError('/etc/p line 2: "mdns" is true or false, not "maybe"'))
    expect(() => parseConfig('colour = blue', 'f')).toThrow(/f line 1: unknown setting "colour"/)
    expect(() => parseConfig('peer = 10.0.0.1', 'f')).toThrow(/line 1: "peer" takes a multiaddr/)
    expect(() => parseConfig('just words', 'f')).toThrow(/line 1: expected "key = value"/)
  })

  it('lives where XDG says', () => {
    expect(defaultConfigPath({ XDG_CONFIG_HOME: '/x' })).toBe('/x/parley/config')
    expect(defaultConfigPath({ PARLEY_CONFIG: '/y/c' })).toBe('/y/c')
  })

  it('reads the file settings, with sizes in units', () => {
    expect(parseConfig('download-dir = /home/ann/Downloads\nauto-download = 25MB\nmax-file-size = 1.5 GiB\nscan-command = clamdscan --no-summary {}', 'f')).toEqual({
      downloadDir: '/home/ann/Downloads', autoDownload: 25_000_000, maxFileSize: Math.floor(1.5 * 1024 ** 3), scanCommand: 'clamdscan --no-summary {}'
    })
    expect(parseConfig('auto-download = 0', 'f')).toEqual({ autoDownload: 0 })
    expect(parseConfig('auto-download-per-author = 50MB', 'f')).toEqual({ autoDownloadPerAuthor: 50_000_000 })
    expect(() => parseConfig('max-file-size = lots', 'f')).toThrow(/line 1: "max-file-size" is a size like 25MB/)
    expect(() => parseConfig('auto-download = 5 parsecs', 'f')).toThrow(/"auto-download" is a size/)
  })
})
