/** Entry of the classic-script bundle (dist/browser/signal.js): defines the global `Signal`. */
import { Signal } from './signal';

(globalThis as { Signal?: unknown }).Signal = Signal;
