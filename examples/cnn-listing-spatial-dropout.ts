/** The tutorial's CNN listing with SpatialDropout2D(0.5) after MaxPooling2D. Run: node dist/examples/cnn-listing-spatial-dropout.js */
import { runListing } from './cnn-listing';

if (require.main === module) runListing('spatial');
