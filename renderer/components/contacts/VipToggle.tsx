/** "Breaks through Do not disturb" for one person; shows the new state at once, reverts on failure. */
import { useEffect, useState } from 'react';
import { errorText } from '../../bridge/api';
import { useContacts } from '../../stores/contacts';
import { useUi } from '../../stores/ui';

export function VipToggle({ personId, vip }: { personId: string; vip: boolean }) {
  const [checked, setChecked] = useState(vip);
  useEffect(() => setChecked(vip), [vip]);
  return (
    <div className="field check">
      <input
        id="vip"
        type="checkbox"
        checked={checked}
        onChange={(e) => {
          const next = e.target.checked;
          setChecked(next);
          useContacts
            .getState()
            .setVip(personId, next)
            .catch((err: unknown) => {
              setChecked(!next);
              useUi.getState().toast(errorText(err), 'error');
            });
        }}
      />
      <label htmlFor="vip">Breaks through Do Not Disturb</label>
    </div>
  );
}
