/** The tutorial's CNN listing with Dropout(0.5) after MaxPooling2D. Run: node dist/examples/cnn-listing-dropout.js */
import { runListing } from './cnn-listing';

if (require.main === module) runListing('dropout');
