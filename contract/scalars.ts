// The two scalars every DTO uses (their own file so dto.ts and archiveDto.ts share them without an
// import cycle). Ids are strings; times are ms since the epoch.
import { z } from 'zod';

export const Id = z.string().min(1).max(1024);
export const Time = z.number().int().nonnegative();
