/**
 * The folder created test cases go into: `Automated/Checkout` is found level by level and what is missing is
 * created. Two uploads creating the same folder at once both re-list after creating and take the oldest folder
 * of that name under that parent, so their cases meet in one folder (the younger, empty one stays: the API
 * has no folder delete). Folders have no number to break a tie within one millisecond: then each upload may
 * keep its own folder, and the cases, which do converge, end up in one of the two.
 */
import type { Folder, TestManagementApi } from '../api/client.js';
import type { Logger } from '../log.js';
import { oldest } from '../oldest.js';

/** `Automated / Checkout/` → `['Automated', 'Checkout']`. */
export function folderPath(text: string | undefined): string[] {
  return (text ?? '')
    .split('/')
    .map((part) => part.trim())
    .filter((part) => part !== '');
}

export interface FolderPlan {
  /** The folder's id, or null for the top level; undefined when it does not exist yet (a dry run). */
  id: string | null | undefined;
  /** The levels that do not exist (and, unless it is a dry run, were created). */
  created: string[];
}

export async function resolveFolder(api: TestManagementApi, projectId: string, path: string[], dryRun: boolean, log: Logger): Promise<FolderPlan> {
  if (path.length === 0) return { id: null, created: [] };
  let folders = await api.listFolders(projectId);
  let parent: string | null = null;
  const created: string[] = [];
  for (const [depth, name] of path.entries()) {
    const found = oldestFolder(folders, name, parent);
    if (found) {
      parent = found.id;
      continue;
    }
    if (dryRun) return { id: undefined, created: path.slice(depth).map((_, i) => path.slice(0, depth + i + 1).join('/')) };
    const order = folders.filter((f) => f.parent_folder_id === parent).length + 1;
    const mine = await api.createFolder(projectId, name, parent, order);
    folders = await api.listFolders(projectId);
    const winner: Folder = oldestFolder(folders, name, parent) ?? mine;
    if (winner.id === mine.id) created.push(path.slice(0, depth + 1).join('/'));
    else
      log.info(
        `Folder "${path.slice(0, depth + 1).join('/')}" was created by another upload at the same time; using it (the empty folder this upload made stays).`,
      );
    parent = winner.id;
  }
  return { id: parent, created };
}

/** Folder names compare case-insensitively, as people read them; the oldest wins, then the smallest id. */
function oldestFolder(folders: Folder[], name: string, parent: string | null): Folder | undefined {
  const wanted = name.toLowerCase();
  const same = folders.filter((f) => f.name.trim().toLowerCase() === wanted && (f.parent_folder_id ?? null) === parent);
  return oldest(same);
}
