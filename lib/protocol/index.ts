export * from './constants';
export * from './protocol-error';
export * from './text';
export * from './frame-type';
export * from './frame';
export * from './ops';
export * from './codec';
export * from './length-prefixed-reader';
