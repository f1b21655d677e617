// contract/: the typed boundary between the engine process and every host / UI.
export * from './dto';
export * from './commands';
export * from './events';
export * from './reply';
export * from './wire';
export * from './client';
export * from './server';
export * from './coalesce';
