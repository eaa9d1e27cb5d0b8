/**
 * A node's file settings (download folder, size limits, the scan hook, release mode) and their defaults.
 */

export interface FileConfig {
  /** where `get` puts files when no folder is given */
  downloadDir: string
  /** files up to this size are fetched as soon as their manifest arrives */
  autoDownloadBytes: number
  /** larger files are neither sent nor fetched */
  maxFileBytes: number
  /** argv of the virus scanner ("{}" is the file); unset: no scan */
  scanCommand?: string[]
  /** the permission bits of a released file (default: what the process's umask gives) */
  releaseMode?: number
  /**
   * bytes of files shared by one person that are fetched by themselves in 24 hours (default
   * DEFAULT_AUTO_DOWNLOAD_PER_AUTHOR_BYTES); past it, their files wait for `get`
   */
  autoDownloadPerAuthorBytes?: number
}

export const DEFAULT_AUTO_DOWNLOAD_BYTES = 25 * 1000 * 1000
export const DEFAULT_MAX_FILE_BYTES = 2 * 1024 * 1024 * 1024
