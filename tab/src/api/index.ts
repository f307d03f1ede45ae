export * from "./client.js";
export { ApiError, type ApiErrorBody, type ApiResult, devPeople, devToken, type TokenSource } from "./transport.js";
