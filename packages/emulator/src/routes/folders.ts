import type { ProjectHandler } from '../context.js';
import { single } from '../context.js';
import { badRequest, unprocessable } from '../errors.js';
import { applyFilters } from '../filters.js';
import { newId } from '../ids.js';
import { listReply } from '../pagination.js';
import type { FolderRecord } from '../types.js';
import { has, jsonObject, optionalNumber, optionalString, requiredString } from '../validate.js';
import { folderView } from '../views.js';

export const listFolders: ProjectHandler = (ctx) => {
  const items = ctx.store.data.folders.filter((f) => f.project_id === ctx.project.id);
  return listReply(ctx, 'folders', 'folders', applyFilters(items, ctx.query, folderView), folderView);
};

export const getFolder: ProjectHandler = (ctx) => single('folder', folderView(ctx.store.folder(ctx.project, ctx.params.fid ?? '')));

export const createFolder: ProjectHandler = async (ctx) => {
  const { project } = ctx;
  const body = jsonObject(await ctx.readBody());
  const name = requiredString(body, 'name');
  const siblings = ctx.store.data.folders.filter((f) => f.project_id === project.id);
  const order = optionalNumber(body, 'order') ?? siblings.reduce((max, f) => Math.max(max, f.order), 0) + 1;
  // The documented body is {name, order}; a parent given here is honoured as a convenience.
  const parentId = optionalString(body, 'parent_folder_id', true);
  if (typeof parentId === 'string' && !siblings.some((f) => f.id === parentId.toLowerCase())) {
    throw unprocessable(`Unknown parent_folder_id ${parentId}`, 'parent_folder_id must be a folder of this project.');
  }
  const now = Date.now();
  const folder: FolderRecord = {
    seq: ctx.store.nextSeq(),
    id: newId(),
    project_id: project.id,
    name,
    parent_folder_id: parentId?.toLowerCase() ?? null,
    order,
    created_at: now,
    updated_at: now,
  };
  ctx.store.data.folders.push(folder);
  return single('folder', folderView(folder), 201);
};

export const moveFolder: ProjectHandler = async (ctx) => {
  const { project } = ctx;
  const folder = ctx.store.folder(project, ctx.params.fid ?? '');
  const body = jsonObject(await ctx.readBody());
  if (!has(body, 'parent_folder_id')) throw badRequest('parent_folder_id is required', 'Send {"parent_folder_id": "<uuid>"} or null for the top level.');
  const parentId = optionalString(body, 'parent_folder_id', true)?.toLowerCase() ?? null;
  if (parentId !== null) {
    const byId = new Map(ctx.store.data.folders.filter((f) => f.project_id === project.id).map((f) => [f.id, f]));
    if (!byId.has(parentId)) throw unprocessable(`Unknown parent_folder_id ${parentId}`, 'parent_folder_id must be a folder of this project.');
    for (let at: string | null = parentId; at !== null; at = byId.get(at)?.parent_folder_id ?? null) {
      if (at === folder.id) throw unprocessable('A folder cannot be moved into itself or its own subfolder');
    }
  }
  folder.parent_folder_id = parentId;
  folder.updated_at = Date.now();
  return single('folder', folderView(folder));
};
