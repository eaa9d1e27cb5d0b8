/**
 * Where things are: the parts of a data dir, the default data dir and the default config file.
 * Every path under a data dir is computed here, so a reader finds the layout in one place.
 */
import { homedir } from 'node:os'
import { join, resolve } from 'node:path'

/** The LevelDB log, inside the data dir. */
export const STORE_DIR = 'log'
/** The control socket, inside the data dir. */
export const SOCKET_FILE = 'control.sock'
/** The Ed25519 identity key, inside the data dir. */
export const IDENTITY_KEY_FILE = 'identity.key'

/** The LevelDB log of a data dir. */
export function storePath (dataDir: string): string {
  return join(dataDir, STORE_DIR)
}

/** The control socket of a data dir. */
export function socketPath (dataDir: string): string {
  return join(dataDir, SOCKET_FILE)
}

/** The identity key file of a data dir. */
export function identityKeyPath (dataDir: string): string {
  return join(dataDir, IDENTITY_KEY_FILE)
}

/** The default data dir: $PARLEY_DATA, else $XDG_DATA_HOME/parley, else ~/.local/share/parley. */
export function defaultDataDir (env: NodeJS.ProcessEnv = process.env): string {
  if (env.PARLEY_DATA !== undefined && env.PARLEY_DATA !== '') return resolve(env.PARLEY_DATA)
  const xdg = env.XDG_DATA_HOME !== undefined && env.XDG_DATA_HOME !== '' ? env.XDG_DATA_HOME : join(homedir(), '.local', 'share')
  return join(xdg, 'parley')
}

/** Where the config file lives: $PARLEY_CONFIG, else $XDG_CONFIG_HOME/parley/config, else ~/.config/parley/config. */
export function defaultConfigPath (env: NodeJS.ProcessEnv = process.env): string {
  if (env.PARLEY_CONFIG !== undefined && env.PARLEY_CONFIG !== '') return env.PARLEY_CONFIG
  const base = env.XDG_CONFIG_HOME !== undefined && env.XDG_CONFIG_HOME !== '' ? env.XDG_CONFIG_HOME : join(homedir(), '.config')
  return join(base, 'parley', 'config')
}
