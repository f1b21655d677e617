/** Which dialog or panel is open, and short messages for the user. */
import { create } from 'zustand';

export type DialogName = 'accounts' | 'search' | 'switcher' | 'join' | 'meeting' | 'addContact' | 'settings' | 'person' | 'archive' | null;

export interface Toast {
  id: number;
  text: string;
  kind: 'info' | 'error';
}

interface UiState {
  dialog: DialogName;
  /** person shown in the person dialog */
  personId: string | null;
  toasts: Toast[];
  open(d: DialogName, personId?: string): void;
  close(): void;
  toast(text: string, kind?: 'info' | 'error'): void;
  dismiss(id: number): void;
}

let nextToast = 1;

export const useUi = create<UiState>((set, get) => ({
  dialog: null,
  personId: null,
  toasts: [],
  open: (dialog, personId) => set({ dialog, personId: personId ?? null }),
  close: () => set({ dialog: null }),
  toast(text, kind = 'info') {
    const id = nextToast++;
    set({ toasts: [...get().toasts.slice(-3), { id, text, kind }] });
    setTimeout(() => get().dismiss(id), kind === 'error' ? 10_000 : 5_000);
  },
  dismiss: (id) => set({ toasts: get().toasts.filter((t) => t.id !== id) }),
}));
