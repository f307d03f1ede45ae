// jstat ships no types; these are the only functions the effect estimate uses.
declare module "jstat" {
  const jstat: {
    jStat: {
      studentt: {
        /** P(T <= x) for Student's t with `df` degrees of freedom (fractional df allowed). */
        cdf(x: number, df: number): number;
        /** The p-quantile of Student's t with `df` degrees of freedom. */
        inv(p: number, df: number): number;
      };
    };
  };
  export default jstat;
}
