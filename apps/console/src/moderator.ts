/** The moderator console page's entry: defines `<liveshop-moderator-console>`. */
import './moderator/moderator-console.js';
