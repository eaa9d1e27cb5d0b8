/**
 * File transfers under way, as the status line shows them. Pure.
 */
import type { FileProgress } from '../../index.js'
import type { UiState } from '../state.js'

/** The actions of file transfers. */
export type FileAction =
  | { type: 'file-progress', p: FileProgress }
  | { type: 'file-done', id: string }

/** Apply a file transfer action. */
export function reduceFiles (s: UiState, a: FileAction): UiState {
  switch (a.type) {
    case 'file-progress':
      return { ...s, transfers: { ...s.transfers, [a.p.id]: a.p } }
    case 'file-done': {
      const { [a.id]: _done, ...rest } = s.transfers
      return { ...s, transfers: rest }
    }
  }
}
