#!/usr/bin/env node
import '../dist/mplsgre.js';
