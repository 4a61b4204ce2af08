/* global document, setTimeout, clearTimeout */
// The merchant side of the demo: a small bag that listens to the widget's DOM events, the way a
// shop's own cart would. It reads product titles and prices from the widget's `state` property.
// The shopper pays in the widget's built-in checkout; the bag lists what is held and, from
// `live-shop-order`, the orders confirmed.

const widget = document.querySelector('live-shop');
const list = document.querySelector('.bag-items');
const empty = document.querySelector('.bag-empty');
const total = document.querySelector('.bag-total');
const count = document.querySelector('.bag-count');
const toast = document.querySelector('.toast');
const bagButton = document.querySelector('.bag-button');
const orders = document.querySelector('.bag-orders');

/** holdId → { sku, qty, expiresAt } */
const items = new Map();

const money = (cents, currency) =>
  new Intl.NumberFormat(document.documentElement.lang, { style: 'currency', currency }).format(cents / 100);

function render() {
  list.replaceChildren();
  let cents = 0;
  let currency = 'USD';
  for (const [holdId, item] of items) {
    const product = widget.state.product(item.sku);
    if (product) {
      cents += product.priceCents * item.qty;
      currency = product.currency;
    }
    const li = document.createElement('li');
    li.dataset.hold = holdId;
    const img = document.createElement('img');
    img.src = product?.imageUrl ?? '';
    img.alt = '';
    img.width = 48;
    img.height = 48;
    const text = document.createElement('div');
    const name = document.createElement('div');
    name.textContent = product?.title ?? item.sku;
    const meta = document.createElement('div');
    meta.className = 'meta';
    const until = new Date(item.expiresAt).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
    meta.textContent = `Held until ${until}`;
    text.append(name, meta);
    const price = document.createElement('strong');
    price.textContent = product ? money(product.priceCents * item.qty, product.currency) : '';
    li.append(img, text, price);
    list.append(li);
  }
  empty.hidden = items.size > 0 || orders.querySelector('li') !== null;
  total.hidden = items.size === 0;
  total.querySelector('strong').textContent = money(cents, currency);
  count.textContent = String(items.size);
}

let toastTimer;
function say(message) {
  toast.textContent = message;
  toast.classList.add('show');
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => toast.classList.remove('show'), 3500);
}

document.addEventListener('live-shop-hold', (event) => {
  const { holdId, sku, qty, expiresAt } = event.detail;
  items.set(holdId, { sku, qty, expiresAt });
  render();
});
document.addEventListener('live-shop-hold-released', (event) => {
  items.delete(event.detail.holdId);
  render();
  if (event.detail.reason === 'expired') say('A hold in your bag expired');
});
document.addEventListener('live-shop-sold-out', (event) => say(`${event.detail.title} just sold out`));
document.addEventListener('live-shop-order', (event) => {
  const { order } = event.detail;
  const li = document.createElement('li');
  li.dataset.order = order.id;
  const name = document.createElement('div');
  name.textContent = `Order #${order.number} · ${order.status}`;
  const price = document.createElement('strong');
  price.textContent = money(order.totalCents, order.currency);
  const meta = document.createElement('div');
  meta.className = 'meta';
  const what = order.lines.map((line) => `${line.qty} × ${line.title}`).join(', ');
  meta.textContent = `${what} · ${order.fulfilment.type === 'pickup' ? 'pick up in store' : 'shipping'}`;
  li.append(name, price, meta);
  orders.querySelector('ul').prepend(li);
  orders.hidden = false;
  render();
  say(`Order #${order.number} confirmed`);
});
bagButton.addEventListener('click', () => {
  document.getElementById('bag').scrollIntoView({ behavior: 'smooth', block: 'center' });
});
