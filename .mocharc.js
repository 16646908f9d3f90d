// Mocha's settings. Named test files on the command line run alone (`npx mocha dist/test/unit/x.test.js`); with
// none, every test runs. (A `spec` in the config would be added to the named files, running everything.)
const named = process.argv.slice(2).some((arg) => /\.test\.js$/.test(arg));
module.exports = {
    spec: named ? [] : ["dist/test/**/*.test.js"],
    timeout: 60000,
    "enable-source-maps": true,
};
