/**
 * Where parley keeps things: the names inside a data dir, and the default places of the data dir,
 * the config file, the download folder and the systemd user unit. Pure functions of the
 * environment: nothing here touches the disk.
 */
import { homedir } from 'node:os'
import { join, resolve } from 'node:path'

/** The entry log (a LevelDB directory), inside the data dir. */
export const LOG_DIR = 'log'
/** The Ed25519 identity key, owner-only. */
export const IDENTITY_KEY_FILE = 'identity.key'
/** The X25519 key pair team keys are sealed to, owner-only. */
export const BOX_KEY_FILE = 'box.key'
/** The display name. */
export const PROFILE_FILE = 'profile.json'
/** The control socket of a running node. */
export const SOCKET_FILE = 'control.sock'
/** Shared files, sealed (the file service's own folder). */
export const FILES_DIR = 'files'
/** Everything parley keeps at the top of a data dir. */
export const DATA_DIR_ENTRIES: readonly string[] = [IDENTITY_KEY_FILE, BOX_KEY_FILE, PROFILE_FILE, SOCKET_FILE, LOG_DIR, FILES_DIR]
/** The systemd user unit's file name. */
export const UNIT_NAME = 'parley.service'

/** The entry log's directory in `dataDir`. */
export const logDirOf = (dataDir: string): string => join(dataDir, LOG_DIR)
/** The identity key file in `dataDir`. */
export const identityKeyPathOf = (dataDir: string): string => join(dataDir, IDENTITY_KEY_FILE)
/** The box key file in `dataDir`. */
export const boxKeyPathOf = (dataDir: string): string => join(dataDir, BOX_KEY_FILE)
/** The profile (display name) file in `dataDir`. */
export const profilePathOf = (dataDir: string): string => join(dataDir, PROFILE_FILE)
/** The control socket path of `dataDir`. */
export const socketPathOf = (dataDir: string): string => join(dataDir, SOCKET_FILE)
/** The shared files' folder in `dataDir`. */
export const filesDirOf = (dataDir: string): string => join(dataDir, FILES_DIR)

const set = (v: string | undefined): v is string => v !== undefined && v !== ''

/** The default data dir: $PARLEY_DATA, else $XDG_DATA_HOME/parley, else ~/.local/share/parley. */
export function defaultDataDir (env: NodeJS.ProcessEnv = process.env): string {
  if (set(env.PARLEY_DATA)) return resolve(env.PARLEY_DATA)
  return join(set(env.XDG_DATA_HOME) ? env.XDG_DATA_HOME : join(homedir(), '.local', 'share'), 'parley')
}

/** The user's config base: $XDG_CONFIG_HOME, else ~/.config. */
function configHome (env: NodeJS.ProcessEnv): string {
  return set(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : join(homedir(), '.config')
}

/** Where the config file lives: $PARLEY_CONFIG, else $XDG_CONFIG_HOME/parley/config, else ~/.config/parley/config. */
export function defaultConfigPath (env: NodeJS.ProcessEnv = process.env): string {
  if (set(env.PARLEY_CONFIG)) return env.PARLEY_CONFIG
  return join(configHome(env), 'parley', 'config')
}

/** Where the systemd user unit lives: $XDG_CONFIG_HOME/systemd/user/parley.service. */
export function unitPath (env: NodeJS.ProcessEnv = process.env): string {
  return join(configHome(env), 'systemd', 'user', UNIT_NAME)
}

/** Where fetched files go by default: $XDG_DOWNLOAD_DIR, else ~/Downloads. */
export function defaultDownloadDir (env: NodeJS.ProcessEnv = process.env): string {
  return env.XDG_DOWNLOAD_DIR ?? join(homedir(), 'Downloads')
}

/** The default TCP port; if it is taken, a free one is used instead. */
export const DEFAULT_PORT = 7717
