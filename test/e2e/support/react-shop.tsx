// The React app a merchant builds around the guide's <LiveShow> (docs/embedding.md, "React"),
// with the bag kept in React state.
import { useCallback, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { LiveShow, type Hold } from 'guide:live-show';

function Shop() {
  const [holds, setHolds] = useState<Hold[]>([]);
  const onHold = useCallback(
    (hold: Hold) => setHolds((list) => (list.some((held) => held.holdId === hold.holdId) ? list : [...list, hold])),
    [],
  );
  const onRelease = useCallback(
    (holdId: string) => setHolds((list) => list.filter((held) => held.holdId !== holdId)),
    [],
  );
  return (
    <main>
      <h1>Spring Drop, live</h1>
      <div className="live-shop-slot">
        <LiveShow onHold={onHold} onRelease={onRelease} />
      </div>
      <h2>Your bag</h2>
      <ul id="bag">
        {holds.map((hold) => (
          <li key={hold.holdId}>
            {hold.qty} × {hold.sku}
          </li>
        ))}
      </ul>
    </main>
  );
}

createRoot(document.getElementById('root')!).render(<Shop />);
