// Mocha's settings. The tests live in one folder per level (unit, loopback, host, package, e2e, bench); with no file
// named on the command line every level but the benchmark runs (`npm test`). Named files or a quoted glob run alone
// (`npx mocha dist/test/unit/nameKey.test.js`, `npm run test:host`): a `spec` here would be added to them.
const named = process.argv.slice(2).some((arg) => /\.test\.js$/.test(arg));
module.exports = {
    spec: named ? [] : ["dist/test/{unit,loopback,host,package,e2e}/**/*.test.js"],
    timeout: 60000,
    "enable-source-maps": true,
};
