// libp2p needs Promise.withResolvers on Node 20; load the polyfill before any test imports libp2p
import '../src/polyfills.js'
