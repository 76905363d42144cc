/** Artifact tests in this project run the zip on Lambda's Node major (nodejs22.x). */
process.env.AGENT_TEST_NODE = 'lambda';
