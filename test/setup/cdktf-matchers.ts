/** Registers cdktf's Jest matchers (toHaveResourceWithProperties, ...). */
import 'cdktf/lib/testing/adapters/jest';
import { Testing } from 'cdktf';

Testing.setupJest();
