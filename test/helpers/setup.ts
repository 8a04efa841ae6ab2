// Loaded before every test file: @peculiar/x509 needs reflect-metadata loaded once.
import 'reflect-metadata';
