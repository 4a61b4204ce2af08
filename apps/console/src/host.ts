/** The host console page's entry: defines `<liveshop-host-console>`. */
import './host/host-console.js';
