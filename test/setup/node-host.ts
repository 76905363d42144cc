/** Artifact tests in this project run the zip on this machine's own Node. */
process.env.AGENT_TEST_NODE = 'host';
